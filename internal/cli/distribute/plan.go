package distribute

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/cli/ticketflags"
	"github.com/ticketctl/ticketctl/internal/distribute"
	"github.com/ticketctl/ticketctl/internal/faqs"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/router"
	"github.com/ticketctl/ticketctl/internal/store"
)

// planFlags choose what is planned and how.
type planFlags struct {
	Strategies []string
	From       string
	Filter     ticketflags.Filter
	Limit      int
}

func (pf *planFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringSliceVar(&pf.Strategies, "strategy", nil,
		"strategies to try in order (default: config distribute.strategies, else "+strings.Join(distribute.DefaultOrder, ",")+")")
	fl.StringVar(&pf.From, "from", "", "server whose tickets are planned (default: the central server)")
	fl.IntVar(&pf.Limit, "limit", 0, "plan at most this many tickets (0: all)")
	pf.Filter.RegisterWith(cmd, ticketflags.Options{NoServer: true, NoSort: true})
	_ = cmd.RegisterFlagCompletionFunc("strategy", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return registry(nil).Names(), cobra.ShellCompDirectiveNoFileComp
	})
}

// registry is every strategy the CLI offers: the built-in ones plus
// triage's faq and model strategies, which open the store (f.Store) on
// their first decision. f is nil where only the names are needed.
func registry(f *cmdutil.Factory) distribute.Registry {
	r := distribute.Builtin()
	var open func(context.Context) (*store.Store, error)
	if f != nil {
		open = f.Store
	}
	r[faqs.StrategyName] = faqs.NewStrategy(open)
	r[router.StrategyName] = router.NewStrategy(open)
	return r
}

// planning is a planner plus the tickets it plans.
type planning struct {
	principal auth.Principal
	st        *store.Store
	planner   *distribute.Planner
	filter    store.TicketFilter
	from      store.Server
}

func (pf *planFlags) prepare(ctx context.Context, f *cmdutil.Factory, dry bool) (*planning, error) {
	names := pf.Strategies
	if len(names) == 0 {
		cfg, err := f.Config()
		if err != nil {
			return nil, err
		}
		if v, ok := cfg.Get("distribute.strategies"); ok {
			names = ticketflags.SplitAll([]string{toString(v)})
		} else {
			names = distribute.DefaultOrder
		}
	}
	strategies, err := registry(f).Resolve(ticketflags.SplitAll(names))
	if err != nil {
		return nil, err
	}
	if pf.Limit < 0 {
		return nil, fault.Invalid("--limit must not be negative")
	}
	p, st, err := f.Session(ctx, store.RoleEmployee)
	if err != nil {
		return nil, err
	}
	q, err := pf.Filter.Parse(f.Now())
	if err != nil {
		return nil, err
	}
	if err := pf.Filter.Resolve(ctx, st, p, &q); err != nil {
		return nil, err
	}
	if len(q.Filter.Statuses) == 0 {
		q.Filter.Statuses = []string{store.StatusNotStarted}
	}
	from, err := source(ctx, f, st, pf.From)
	if err != nil {
		return nil, err
	}
	q.Filter.Server = &from.ID
	env, err := loadEnv(ctx, f, st)
	if err != nil {
		return nil, err
	}
	if dry {
		env.DryRun(st)
	}
	return &planning{principal: p, st: st, filter: q.Filter, from: from,
		planner: &distribute.Planner{Strategies: strategies, Env: env}}, nil
}

// entries plans lazily, page by page.
func (pl *planning) entries(ctx context.Context, pageSize, limit int) func(func(distribute.Entry, error) bool) {
	seq := distribute.PlanSource(ctx, pl.st, pl.planner, pl.filter, pageSize)
	return func(yield func(distribute.Entry, error) bool) {
		n := 0
		for e, err := range seq {
			if limit > 0 && n >= limit {
				return
			}
			n++
			if !yield(e, err) || err != nil {
				return
			}
		}
	}
}

var entrySpec = render.Spec[distribute.Entry]{
	Headers: []string{"TICKET", "TITLE", "ACTION", "TO", "TEAM", "STRATEGY", "WHY"},
	Row: func(e distribute.Entry, f render.Formatter) []string {
		return []string{e.Ticket.Hex(), f.Truncate(e.Title, 32), e.Action, e.ToName, e.TeamName, e.Strategy,
			f.Truncate(strings.Join(e.Reasons, "; "), 70)}
	},
	ID: func(e distribute.Entry) string { return e.Ticket.Hex() },
}

func newCmdPlan(f *cmdutil.Factory) *cobra.Command {
	pf := &planFlags{}
	var out render.Options
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Decide where each waiting ticket should go, and say why",
		Long: `Plan the distribution of the tickets waiting on the source server (default: the
central server, status not started): each strategy is tried in order and the
first that decides wins; a ticket no strategy can place is left where it is,
with every strategy's reason.

Strategies: faq (resolve the ticket with the FAQ that answers it, above the
threshold "faq calibrate" stored), rules (tag → server/team rules, see
"distribute rules"), model (the team the active triage model predicts, above
its measured confidence threshold), skills (the team whose skills overlap the
ticket's tags most), least-loaded (the team with the fewest open tickets per
member), round-robin (teams in turn, shared across runs).

Nothing changes except the round-robin turns the plan reserves. On a terminal
the plan prints as a table; redirected, it is JSON that "distribute apply"
reads back (or pick -o json|ndjson|table yourself).`,
		Example: `  ticketctl distribute plan
  ticketctl distribute plan --strategy faq,rules,model,least-loaded > plan.json
  ticketctl distribute plan -o json --jq '.[] | select(.action == "leave") | .reasons'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("output") && !f.IO.IsStdoutTTY() && out.JQ == "" {
				out.Format = render.FormatJSON
			}
			if err := out.Validate(); err != nil {
				return err
			}
			pl, err := pf.prepare(cmd.Context(), f, false)
			if err != nil {
				return err
			}
			return render.List(f.Printer(out), entrySpec, pl.entries(cmd.Context(), pl.st.Capabilities().ReadPage, pf.Limit))
		},
	}
	pf.register(cmd)
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

package tickets

import (
	"context"
	"fmt"
	"io"
	"iter"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
)

// Kinds of line errors in an import report.
const (
	KindInvalid  = "invalid"
	KindConflict = "conflict"
)

// ImportOptions tune Import.
type ImportOptions struct {
	Source string // file name for messages and the event
	DryRun bool
	// SkipInvalid imports the valid records even if others are invalid or
	// conflict; without it one bad record means nothing is imported.
	SkipInvalid bool
	// SkipExisting treats records whose id exists as already imported
	// (re-running an import is then safe) instead of as conflicts.
	SkipExisting bool
}

// LineError is one record that was not imported.
type LineError struct {
	Line  int    `json:"line"`
	ID    string `json:"id,omitempty"`
	Kind  string `json:"kind"`
	Error string `json:"error"`
}

// ImportReport says what an import did (or, with DryRun, would do).
type ImportReport struct {
	Source          string      `json:"source"`
	DryRun          bool        `json:"dry_run"`
	Records         int         `json:"records"`
	Valid           int         `json:"valid"`
	Imported        int         `json:"imported"`
	SkippedExisting int         `json:"skipped_existing"`
	Invalid         int         `json:"invalid"`
	Conflicts       int         `json:"conflicts"`
	IgnoredFields   []string    `json:"ignored_fields"`
	Errors          []LineError `json:"errors"`
}

type pending struct {
	line int
	t    store.Ticket
}

// Import reads tickets from NDJSON or a JSON array (mongoexport's shape or
// ticketctl's own JSON), validates every record with the rules of
// `tickets create` plus references (server, team), and inserts them in
// batches of the server's MaxBatch. Records keep their ids; an id that
// exists already is a conflict, never an overwrite. Unless SkipInvalid,
// one invalid or conflicting record means nothing is written.
func (s *Service) Import(ctx context.Context, p auth.Principal, r io.Reader, o ImportOptions) (ImportReport, error) {
	rep := ImportReport{Source: o.Source, DryRun: o.DryRun, IgnoredFields: []string{}, Errors: []LineError{}}
	if err := auth.Require(p, store.RoleEmployee); err != nil {
		return rep, err
	}
	refs, err := s.loadRefs(ctx)
	if err != nil {
		return rep, err
	}
	now := s.Now()
	var ok []pending
	seen := map[bson.ObjectID]int{}
	ignored := map[string]bool{}
	for rec, err := range readRecords(r) {
		if err != nil {
			return rep, err
		}
		rep.Records++
		t, ign, err := store.DecodeTicketJSON(rec.Data)
		for _, f := range ign {
			ignored[f] = true
		}
		if err == nil {
			t, err = refs.validate(t, now)
		}
		if err == nil && !t.ID.IsZero() {
			if first, dup := seen[t.ID]; dup {
				err = fault.Invalid("id %s appears twice (first on line %d)", t.ID.Hex(), first)
			}
			seen[t.ID] = rec.Line
		}
		if err != nil {
			rep.add(LineError{Line: rec.Line, ID: idHex(t.ID), Kind: KindInvalid, Error: err.Error()})
			continue
		}
		ok = append(ok, pending{line: rec.Line, t: t})
	}
	for f := range ignored {
		rep.IgnoredFields = append(rep.IgnoredFields, f)
	}
	sort.Strings(rep.IgnoredFields)
	batch := max(1, s.St.Capabilities().MaxBatch)
	if ok, err = s.dropExisting(ctx, ok, batch, o.SkipExisting, &rep); err != nil {
		return rep, err
	}
	rep.Valid = len(ok)
	if len(rep.Errors) > 0 && !o.SkipInvalid {
		return rep, rep.failure("nothing imported")
	}
	if o.DryRun || len(ok) == 0 {
		return rep, nil
	}
	for start := 0; start < len(ok); start += batch {
		chunk := ok[start:min(start+batch, len(ok))]
		ts := make([]store.Ticket, len(chunk))
		for i := range chunk {
			ts[i] = chunk[i].t
		}
		dups, err := s.St.InsertTickets(ctx, ts)
		rep.Imported += len(chunk) - len(dups)
		for _, i := range dups {
			// Inserted by someone else since the check.
			if o.SkipExisting {
				rep.SkippedExisting++
				continue
			}
			rep.add(LineError{Line: chunk[i].line, ID: chunk[i].t.ID.Hex(), Kind: KindConflict, Error: "a ticket with this id exists already"})
		}
		if err != nil {
			s.recordImport(ctx, p, &rep)
			return rep, fmt.Errorf("after %d imported: %w", rep.Imported, err)
		}
	}
	if err := s.recordImport(ctx, p, &rep); err != nil {
		return rep, err
	}
	if rep.Conflicts > 0 && !o.SkipInvalid {
		return rep, rep.failure("the others were imported")
	}
	return rep, nil
}

func (r *ImportReport) add(e LineError) {
	r.Errors = append(r.Errors, e)
	if e.Kind == KindConflict {
		r.Conflicts++
	} else {
		r.Invalid++
	}
}

// failure is the error for a report with line errors: exit 2 when records
// are invalid, 5 when they only conflict, 7 when others were imported.
func (r *ImportReport) failure(outcome string) error {
	msg := fmt.Sprintf("%d of %d records not importable (%d invalid, %d conflicting): %s",
		r.Invalid+r.Conflicts, r.Records, r.Invalid, r.Conflicts, outcome)
	hint := "fix the lines listed, or pass --skip-invalid to import the valid records"
	if r.Conflicts > 0 && r.Invalid == 0 {
		hint = "existing ids are never overwritten; pass --skip-existing to skip them"
	}
	switch {
	case r.Imported > 0:
		return fault.WithHint(fault.New(fault.ErrPartial, "%s", msg), hint)
	case r.Invalid > 0:
		return fault.WithHint(fault.Invalid("%s", msg), hint)
	}
	return fault.WithHint(fault.New(fault.ErrConflict, "%s", msg), hint)
}

// dropExisting removes records whose id is taken, in batches of one $in
// query each, reporting them as conflicts or counting them as skipped.
func (s *Service) dropExisting(ctx context.Context, ps []pending, batch int, skip bool, rep *ImportReport) ([]pending, error) {
	out := ps[:0]
	for start := 0; start < len(ps); start += batch {
		chunk := ps[start:min(start+batch, len(ps))]
		var ids []bson.ObjectID
		for _, p := range chunk {
			if !p.t.ID.IsZero() {
				ids = append(ids, p.t.ID)
			}
		}
		taken, err := s.St.ExistingTicketIDs(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, p := range chunk {
			switch {
			case !taken[p.t.ID]:
				out = append(out, p)
			case skip:
				rep.SkippedExisting++
			default:
				rep.add(LineError{Line: p.line, ID: p.t.ID.Hex(), Kind: KindConflict,
					Error: "a ticket with this id exists already"})
			}
		}
	}
	return out, nil
}

func (s *Service) recordImport(ctx context.Context, p auth.Principal, rep *ImportReport) error {
	if rep.Imported == 0 {
		return nil
	}
	src := rep.Source
	if src == "" {
		src = "stdin"
	}
	err := s.St.InsertEvent(ctx, &store.Event{At: s.Now(), Actor: p.Username, Action: ActionImport, Subject: "tickets",
		Note: fmt.Sprintf("imported %d tickets from %s", rep.Imported, truncate(src, 200))})
	if err != nil {
		return fmt.Errorf("%d tickets imported but the event was not recorded: %w", rep.Imported, err)
	}
	return nil
}

func idHex(id bson.ObjectID) string {
	if id.IsZero() {
		return ""
	}
	return id.Hex()
}

// refs are the servers and teams an import may point at: both
// collections are small, so they are read once.
type refs struct {
	central bson.ObjectID
	servers map[bson.ObjectID]bool
	teams   map[bson.ObjectID]bool
}

func (s *Service) loadRefs(ctx context.Context) (refs, error) {
	r := refs{servers: map[bson.ObjectID]bool{}, teams: map[bson.ObjectID]bool{}}
	svs, err := s.St.ListServers(ctx)
	if err != nil {
		return r, err
	}
	for _, sv := range svs {
		r.servers[sv.ID] = true
		if sv.Central {
			r.central = sv.ID
		}
	}
	if r.central.IsZero() {
		return r, fault.WithHint(fault.New(fault.ErrNotFound, "no central server"), "run `ticketctl init`")
	}
	tms, err := s.St.ListTeams(ctx, "")
	if err != nil {
		return r, err
	}
	for _, t := range tms {
		r.teams[t.ID] = true
	}
	return r, nil
}

// validate applies the rules of `tickets create` to an imported record and
// fills the defaults of the brief's schema: the central server, status
// "not started", created now.
func (r refs) validate(t store.Ticket, now time.Time) (store.Ticket, error) {
	var err error
	if t.Title, err = ValidateTitle(t.Title); err != nil {
		return t, err
	}
	if t.Description, err = ValidateDescription(t.Description); err != nil {
		return t, err
	}
	if t.Tags, err = NormalizeTags(t.Tags); err != nil {
		return t, err
	}
	if t.Status == "" {
		t.Status = store.StatusNotStarted
	} else if t.Status, err = ParseStatus(t.Status); err != nil {
		return t, err
	}
	if t.Priority != "" {
		if t.Priority, err = ParsePriority(t.Priority); err != nil {
			return t, err
		}
	}
	if t.Severity != "" {
		if t.Severity, err = ParseSeverity(t.Severity); err != nil {
			return t, err
		}
	}
	if t.Server.IsZero() {
		t.Server = r.central
	} else if !r.servers[t.Server] {
		return t, fault.Invalid("server %s does not exist", t.Server.Hex())
	}
	if t.Team != nil && !r.teams[*t.Team] {
		return t, fault.Invalid("team %s does not exist", t.Team.Hex())
	}
	if t.Version < 0 {
		return t, fault.Invalid("version %d is negative", t.Version)
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now
	}
	return t, nil
}

// Export streams the tickets q selects as mongoexport-shaped Extended
// JSON, one document per item: every stored field, as stored.
func (s *Service) Export(ctx context.Context, p auth.Principal, q store.TicketQuery, canonical bool) (iter.Seq2[[]byte, error], error) {
	if err := auth.Require(p, store.RoleEmployee); err != nil {
		return nil, err
	}
	return s.St.ExportTickets(ctx, q, canonical), nil
}

// ErrorsText formats line errors for a terminal, at most limit of them.
func ErrorsText(errs []LineError, limit int) string {
	var b strings.Builder
	for i, e := range errs {
		if i == limit {
			fmt.Fprintf(&b, "... and %d more\n", len(errs)-limit)
			break
		}
		id := ""
		if e.ID != "" {
			id = " (" + e.ID + ")"
		}
		fmt.Fprintf(&b, "line %d%s: %s: %s\n", e.Line, id, e.Kind, e.Error)
	}
	return b.String()
}

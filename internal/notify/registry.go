package notify

import (
	"context"
	"fmt"
	netmail "net/mail"
	"sort"
	"strings"
	"sync"

	"github.com/ticketctl/ticketctl/internal/fault"
)

// Templates are config-wide template defaults (the notify.templates.* keys):
// a channel that sets no subject_template, body_template or link_template
// of its own uses these. Empty fields keep the built-in defaults.
type Templates struct {
	Subject string `mapstructure:"subject" json:"subject,omitempty"`
	Body    string `mapstructure:"body" json:"body,omitempty"`
	Link    string `mapstructure:"link" json:"link,omitempty"`
}

// WithTemplates fills the templates c leaves empty from t.
func (c ChannelConfig) WithTemplates(t Templates) ChannelConfig {
	if strings.TrimSpace(c.SubjectTemplate) == "" {
		c.SubjectTemplate = t.Subject
	}
	if strings.TrimSpace(c.BodyTemplate) == "" {
		c.BodyTemplate = t.Body
	}
	if strings.TrimSpace(c.LinkTemplate) == "" {
		c.LinkTemplate = t.Link
	}
	return c
}

// Registry is the set of configured channels. Channels are built on first
// use (that is when their secrets are read from the environment) and kept.
type Registry struct {
	cfgs   map[string]ChannelConfig
	getenv func(string) string
	opts   []Option

	mu    sync.Mutex
	built map[string]Channel
}

// NewRegistry holds cfgs (name → config; names are matched
// case-insensitively, as the config file's keys are); getenv supplies the
// secrets and opts are passed to every New.
func NewRegistry(cfgs map[string]ChannelConfig, getenv func(string) string, opts ...Option) *Registry {
	r := &Registry{cfgs: map[string]ChannelConfig{}, getenv: getenv, opts: opts, built: map[string]Channel{}}
	for name, c := range cfgs {
		r.cfgs[strings.ToLower(name)] = c
	}
	return r
}

// Names lists the configured channels, sorted.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.cfgs))
	for n := range r.cfgs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Config returns the configuration of channel name; an unknown name is an
// invalid-input error listing the configured ones.
func (r *Registry) Config(name string) (ChannelConfig, error) {
	c, ok := r.cfgs[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		hint := "no channels are configured: add notify.channels.<name> to the config file (see docs/notifications.md)"
		if len(r.cfgs) > 0 {
			hint = "configured channels: " + strings.Join(r.Names(), ", ") + " (see `ticketctl notify channels`)"
		}
		return ChannelConfig{}, fault.WithHint(fault.Invalid("no notification channel %q is configured", cleanLine(name)), hint)
	}
	return c, nil
}

// Channel returns the channel called name, building it on first use. A bad
// configuration or a missing environment variable is an invalid-input error
// (it wraps the *ConfigError, so IsPermanent reports it as permanent).
func (r *Registry) Channel(name string) (Channel, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	r.mu.Lock()
	defer r.mu.Unlock()
	if ch, ok := r.built[key]; ok {
		return ch, nil
	}
	cfg, err := r.Config(name)
	if err != nil {
		return nil, err
	}
	ch, err := New(key, cfg, r.getenv, r.opts...)
	if err != nil {
		return nil, fault.Wrap(fault.ErrInvalid, err, "")
	}
	r.built[key] = ch
	return ch, nil
}

// TestTicket is the made-up ticket `notify test` sends.
var TestTicket = TicketSummary{
	ID: "000000000000000000000000", Title: "ticketctl test notification", Status: "not started",
	Priority: "P4", Severity: "low", Server: "central", Tags: []string{"test"},
}

// SendTest renders a test message for channel name (to: recipients of an
// smtp channel; empty uses the channel's `to`) and sends it directly,
// without the outbox. It returns the channel for display.
func (r *Registry) SendTest(ctx context.Context, name string, to []string, note string) (Channel, error) {
	cfg, err := r.Config(name)
	if err != nil {
		return nil, err
	}
	ch, err := r.Channel(name)
	if err != nil {
		return nil, err
	}
	rcpt, err := Recipients(ch.Name(), cfg, to)
	if err != nil {
		return ch, err
	}
	if note == "" {
		note = "This is a test notification from ticketctl. If you can read it, the channel works."
	}
	msg, err := Render(cfg, TestTicket, note)
	if err != nil {
		return ch, fault.Wrap(fault.ErrInvalid, err, "")
	}
	msg.Recipients = rcpt
	msg.IdempotencyKey = "test-" + randomKey()
	return ch, ch.Send(ctx, msg)
}

// Recipients decides who an smtp channel writes to: to when given, else the
// channel's `to`. Other channel types take no recipients. Errors are
// invalid input.
func Recipients(name string, cfg ChannelConfig, to []string) ([]string, error) {
	out := splitAddresses(to)
	if cfg.typ() != TypeSMTP {
		if len(out) > 0 {
			return nil, fault.Invalid("channel %q is of type %s: --to applies only to smtp channels", name, cfg.typ())
		}
		return nil, nil
	}
	if len(out) == 0 {
		out = splitAddresses(cfg.To)
	}
	if len(out) == 0 {
		return nil, fault.WithHint(fault.Invalid("channel %q (smtp) needs recipients", name),
			fmt.Sprintf("pass --to ADDR, or set notify.channels.%s.to in the config file", name))
	}
	for _, r := range out {
		if err := checkAddress(r); err != nil {
			return nil, fault.Invalid("recipient %q is not an email address (%v)", cleanLine(r), err)
		}
	}
	return out, nil
}

func checkAddress(s string) error {
	if hasControl(s) {
		return fmt.Errorf("contains control characters")
	}
	_, err := netmail.ParseAddress(s)
	return err
}

// splitAddresses flattens comma-separated lists (`--to a@x,b@y`, or a `to`
// set with `ticketctl config set`, which stores one string).
func splitAddresses(in []string) []string {
	var out []string
	for _, r := range in {
		for _, p := range strings.Split(r, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

package notify

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/go-viper/mapstructure/v2"

	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/fault"
	notifysvc "github.com/ticketctl/ticketctl/internal/notify"
)

// Config keys read here (documented in docs/notifications.md).
const (
	keyChannels    = "notify.channels"
	keyTemplates   = "notify.templates"
	keyMaxAttempts = "notify.max-attempts"
)

// channels is the notify section of the configuration, decoded.
type channels struct {
	cfgs map[string]notifysvc.ChannelConfig // channels that decoded
	bad  map[string]error                   // channels that did not (unknown key, wrong type)
	// lenient holds what could be decoded of the bad ones, for display.
	lenient map[string]notifysvc.ChannelConfig
	reg     *notifysvc.Registry
}

// names lists every configured channel, decodable or not, sorted.
func (c *channels) names() []string {
	out := make([]string, 0, len(c.cfgs)+len(c.bad))
	for n := range c.cfgs {
		out = append(out, n)
	}
	for n := range c.bad {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// check fails with the decode error of channel name, if it had one.
func (c *channels) check(name string) error {
	if err, ok := c.bad[strings.ToLower(strings.TrimSpace(name))]; ok {
		return err
	}
	return nil
}

// loadChannels decodes notify.channels.<name> into notify.ChannelConfig
// (mapstructure keys; unknown keys are errors, so typos do not silently
// drop a setting) and applies notify.templates.* to channels without
// templates of their own. Secrets come from f.Getenv when a channel is used.
func loadChannels(f *cmdutil.Factory) (*channels, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	var tmpl notifysvc.Templates
	if raw := cfg.Sub(keyTemplates); len(raw) > 0 {
		if err := decode(raw, &tmpl, true); err != nil {
			return nil, fault.Invalid("config %s: %v", keyTemplates, err)
		}
	}
	c := &channels{cfgs: map[string]notifysvc.ChannelConfig{}, bad: map[string]error{}, lenient: map[string]notifysvc.ChannelConfig{}}
	for name, raw := range cfg.Sub(keyChannels) {
		var cc notifysvc.ChannelConfig
		m, ok := raw.(map[string]any)
		if !ok {
			c.bad[name] = fault.Invalid("config %s.%s: want a map of settings (type, host, url, …), got %T", keyChannels, name, raw)
			continue
		}
		if err := decode(m, &cc, true); err != nil {
			c.bad[name] = fault.Invalid("config %s.%s: %v", keyChannels, name, err)
			var partial notifysvc.ChannelConfig
			_ = decode(m, &partial, false)
			c.lenient[name] = partial
			continue
		}
		c.cfgs[name] = cc.WithTemplates(tmpl)
	}
	c.reg = notifysvc.NewRegistry(c.cfgs, f.Getenv, notifysvc.WithClock(f.Now))
	return c, nil
}

func decode(in map[string]any, out any, strict bool) error {
	d, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		Result:           out,
		TagName:          "mapstructure",
		ErrorUnused:      strict,
		WeaklyTypedInput: true, // `config set` stores every value as a string
	})
	if err != nil {
		return err
	}
	if err := d.Decode(in); err != nil {
		// mapstructure v2 names keys and types, never values, so a secret
		// pasted where it does not belong is not echoed.
		msg := strings.TrimPrefix(err.Error(), "decoding failed due to the following error(s):")
		msg = strings.ReplaceAll(msg, "'' ", "") // the root has no name
		return fmt.Errorf("%s", strings.Join(strings.Fields(msg), " "))
	}
	return nil
}

// maxAttempts reads notify.max-attempts (default notify.DefaultMaxAttempts).
func maxAttempts(f *cmdutil.Factory) (int, error) {
	cfg, err := f.Config()
	if err != nil {
		return 0, err
	}
	raw, ok := cfg.Get(keyMaxAttempts)
	if !ok {
		return notifysvc.DefaultMaxAttempts, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(fmt.Sprint(raw)))
	if err != nil || n < 1 || n > 100 {
		return 0, fault.Invalid("config %s %q: want a whole number from 1 to 100", keyMaxAttempts, fmt.Sprint(raw))
	}
	return n, nil
}

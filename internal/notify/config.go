package notify

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strings"
)

// Channel types (the `type` config key).
const (
	TypeSMTP    = "smtp"
	TypeWebhook = "webhook"
	TypeSlack   = "slack"
)

// SMTP TLS modes (the `tls` config key).
const (
	// TLSStartTLS upgrades the connection with STARTTLS; the upgrade is
	// mandatory (a server without STARTTLS is an error). The default.
	TLSStartTLS = "starttls"
	// TLSImplicit connects with TLS from the first byte (SMTPS, port 465).
	TLSImplicit = "implicit"
	// TLSNone sends in clear text. Meant for a relay on loopback or in tests;
	// SMTP AUTH over it is refused unless the host is a loopback address.
	TLSNone = "none"
)

// ChannelConfig is one entry of the `notify.channels` config map. The
// mapstructure keys are a public interface (config files use them).
//
// Secrets are never stored here: password_env and secret_env hold the NAMES of
// environment variables; New reads their values through its getenv function.
type ChannelConfig struct {
	Type string `mapstructure:"type" json:"type" yaml:"type"`

	// smtp
	Host        string `mapstructure:"host" json:"host,omitempty" yaml:"host,omitempty"`
	Port        int    `mapstructure:"port" json:"port,omitempty" yaml:"port,omitempty"` // default 587 (starttls), 465 (implicit), 25 (none)
	From        string `mapstructure:"from" json:"from,omitempty" yaml:"from,omitempty"`
	TLS         string `mapstructure:"tls" json:"tls,omitempty" yaml:"tls,omitempty"` // none|starttls|implicit; default starttls
	Username    string `mapstructure:"username" json:"username,omitempty" yaml:"username,omitempty"`
	PasswordEnv string `mapstructure:"password_env" json:"password_env,omitempty" yaml:"password_env,omitempty"`
	// To is the default recipients of an smtp channel, used when a
	// notification names none (`tickets notify --to`).
	To []string `mapstructure:"to" json:"to,omitempty" yaml:"to,omitempty"`

	// webhook and slack
	URL       string `mapstructure:"url" json:"url,omitempty" yaml:"url,omitempty"`
	SecretEnv string `mapstructure:"secret_env" json:"secret_env,omitempty" yaml:"secret_env,omitempty"` // webhook only

	// LinkTemplate (text/template over the ticket summary, e.g.
	// "https://support.example.com/tickets/{{.ID}}") makes the ticket URL.
	// Documented for slack; also accepted by smtp and webhook.
	LinkTemplate string `mapstructure:"link_template" json:"link_template,omitempty" yaml:"link_template,omitempty"`

	// Optional text/template overrides of the default subject and body.
	SubjectTemplate string `mapstructure:"subject_template" json:"subject_template,omitempty" yaml:"subject_template,omitempty"`
	BodyTemplate    string `mapstructure:"body_template" json:"body_template,omitempty" yaml:"body_template,omitempty"`
}

// tlsMode returns the effective TLS mode.
func (c ChannelConfig) tlsMode() string {
	if c.TLS == "" {
		return TLSStartTLS
	}
	return strings.ToLower(c.TLS)
}

// port returns the effective SMTP port.
func (c ChannelConfig) port() int {
	if c.Port != 0 {
		return c.Port
	}
	switch c.tlsMode() {
	case TLSImplicit:
		return 465
	case TLSNone:
		return 25
	}
	return 587
}

func (c ChannelConfig) typ() string { return strings.ToLower(strings.TrimSpace(c.Type)) }

// Validate checks the configuration of the channel called name and returns
// every problem found (joined), each a *ConfigError naming the channel and the
// key. It does not look at environment variables; New does.
func (c ChannelConfig) Validate(name string) error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &ConfigError{Channel: name, Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(name) == "" || hasControl(name) {
		bad("", "invalid channel name %q", name)
	}
	notFor := func(key, val string) {
		if val != "" {
			bad(key, "does not apply to type %q", c.typ())
		}
	}
	switch c.typ() {
	case TypeSMTP:
		validateSMTP(c, bad)
		notFor("url", c.URL)
		notFor("secret_env", c.SecretEnv)
	case TypeWebhook, TypeSlack:
		if c.URL == "" {
			bad("url", "required for type %q", c.typ())
		} else if err := checkHTTPURL(c.URL); err != nil {
			// The URL may hold a secret: describe the problem, never echo it.
			bad("url", "%s", err)
		}
		if len(c.To) > 0 {
			bad("to", "does not apply to type %q", c.typ())
		}
		notFor("host", c.Host)
		notFor("from", c.From)
		notFor("tls", c.TLS)
		notFor("username", c.Username)
		notFor("password_env", c.PasswordEnv)
		if c.Port != 0 {
			bad("port", "does not apply to type %q", c.typ())
		}
		if c.typ() == TypeSlack {
			notFor("secret_env", c.SecretEnv) // Slack incoming webhooks are not signed
		} else if c.SecretEnv != "" && !validEnvName(c.SecretEnv) {
			bad("secret_env", "is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*); put the variable's NAME here, never the secret")
		}
	case "":
		bad("type", "required (one of smtp, webhook, slack)")
	default:
		bad("type", "unknown type %q (want smtp, webhook or slack)", c.Type)
	}
	switch c.typ() {
	case TypeSMTP, TypeWebhook, TypeSlack: // an unknown type is reported once, above
		if _, err := compileTemplates(c); err != nil {
			errs = append(errs, withChannel(err, name))
		}
	}
	return errors.Join(errs...)
}

func validateSMTP(c ChannelConfig, bad func(key, format string, args ...any)) {
	host := c.Host
	switch {
	case strings.TrimSpace(host) == "":
		bad("host", "required for type smtp")
	case strings.ContainsAny(host, "/ \t\r\n") || strings.Contains(host, "://"):
		bad("host", "%q is not a host name (no scheme, path or spaces)", host)
	default:
		if _, p, err := net.SplitHostPort(host); err == nil {
			bad("host", "%q includes a port; put %s in port", host, p)
		}
	}
	if c.Port < 0 || c.Port > 65535 {
		bad("port", "%d is not a TCP port (1-65535)", c.Port)
	}
	mode := c.tlsMode()
	switch mode {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		bad("tls", "unknown mode %q (want none, starttls or implicit)", c.TLS)
	}
	if strings.TrimSpace(c.From) == "" {
		bad("from", "required for type smtp")
	} else if _, err := mail.ParseAddress(c.From); err != nil {
		bad("from", "%q is not an email address: %v", c.From, err)
	}
	switch {
	case c.Username != "" && c.PasswordEnv == "":
		bad("password_env", "required when username is set (the NAME of the environment variable holding the password)")
	case c.Username == "" && c.PasswordEnv != "":
		bad("username", "required when password_env is set")
	}
	for _, r := range splitAddresses(c.To) {
		if _, err := mail.ParseAddress(r); err != nil {
			bad("to", "%q is not an email address: %v", cleanLine(r), err)
		}
	}
	if c.PasswordEnv != "" && !validEnvName(c.PasswordEnv) {
		bad("password_env", "is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*); put the variable's NAME here, never the password")
	}
	if c.Username != "" && mode == TLSNone && host != "" && !isLoopback(host) {
		bad("tls", "mode none would send the SMTP password in clear text to %q; use starttls or implicit (none with auth is allowed only on loopback)", host)
	}
}

func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return errors.New("must be an absolute http:// or https:// URL")
	}
	if u.Host == "" {
		return errors.New("has no host")
	}
	return nil
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

func isLoopback(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	return ip != nil && ip.IsLoopback()
}

func withChannel(err error, name string) error {
	var ce *ConfigError
	if errors.As(err, &ce) && ce.Channel == "" {
		cp := *ce
		cp.Channel = name
		return &cp
	}
	return err
}

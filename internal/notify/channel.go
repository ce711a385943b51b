package notify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"net/http"
	"time"
)

// Channel delivers rendered messages to one configured destination.
type Channel interface {
	Name() string
	Type() string // smtp, webhook or slack
	// Send delivers m. Errors are *SendError (see IsPermanent) and never
	// contain secrets. A Message with an empty IdempotencyKey gets a random
	// one, which defeats duplicate detection: the outbox should always set it.
	Send(ctx context.Context, m Message) error
	// Redacted is the channel's config for display: environment variable
	// NAMES and whether they are set, never their values; URLs redacted.
	Redacted() map[string]any
}

// DefaultHTTPTimeout bounds one webhook/Slack request (the http.Client timeout).
const DefaultHTTPTimeout = 10 * time.Second

// DefaultSMTPTimeout bounds connecting and each SMTP exchange.
const DefaultSMTPTimeout = 30 * time.Second

type options struct {
	httpClient *http.Client
	timeout    time.Duration
	tlsConfig  *tls.Config
	now        func() time.Time
}

// Option adjusts a channel built by New; the defaults are right for
// production, options exist mainly for tests.
type Option func(*options)

// WithHTTPClient sends webhook/Slack requests through c (its Transport and
// Jar are used; redirects are never followed and a zero Timeout becomes the
// channel's timeout).
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.httpClient = c } }

// WithTimeout overrides DefaultHTTPTimeout / DefaultSMTPTimeout.
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithTLSConfig sets the TLS client config for SMTP (starttls/implicit), e.g.
// RootCAs trusting a test CA. Certificates are verified by default; ServerName
// defaults to the configured host.
func WithTLSConfig(c *tls.Config) Option { return func(o *options) { o.tlsConfig = c } }

// WithClock replaces time.Now (webhook timestamps).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// New builds the channel called name from cfg. Secrets are read through
// getenv (the NAMES are in cfg); a nil getenv means an empty environment. The
// config is validated first (errors are *ConfigError, joined).
func New(name string, cfg ChannelConfig, getenv func(string) string, opts ...Option) (Channel, error) {
	if err := cfg.Validate(name); err != nil {
		return nil, err
	}
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	o := options{now: time.Now}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.now == nil {
		o.now = time.Now
	}
	switch cfg.typ() {
	case TypeSMTP:
		return newSMTP(name, cfg, getenv, o)
	case TypeWebhook:
		return newWebhook(name, cfg, getenv, o)
	default: // TypeSlack; Validate rejected anything else
		return newSlack(name, cfg, o), nil
	}
}

func randomKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func envValue(name, key, env string, getenv func(string) string) (string, error) {
	v := getenv(env)
	if v == "" {
		return "", &ConfigError{Channel: name, Key: key, Msg: "environment variable " + env + " is empty or not set"}
	}
	return v, nil
}

func (o options) client() *http.Client {
	c := &http.Client{}
	if o.httpClient != nil {
		cp := *o.httpClient
		c = &cp
	}
	if c.Timeout == 0 || o.timeout != 0 {
		c.Timeout = DefaultHTTPTimeout
		if o.timeout > 0 {
			c.Timeout = o.timeout
		}
	}
	// A redirected POST turns into a GET (body lost) or carries the signed
	// request to another host: treat 3xx as an error instead.
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// describe is the String/GoString of every channel, so printing a channel
// with %v, %+v or %#v never dumps the secrets it holds.
func describe(c Channel) string { return "notify.Channel(" + c.Type() + " " + c.Name() + ")" }

func (s *smtpChannel) String() string      { return describe(s) }
func (s *smtpChannel) GoString() string    { return describe(s) }
func (w *webhookChannel) String() string   { return describe(w) }
func (w *webhookChannel) GoString() string { return describe(w) }
func (s *slackChannel) String() string     { return describe(s) }
func (s *slackChannel) GoString() string   { return describe(s) }

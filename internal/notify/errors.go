package notify

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// ConfigError reports an invalid channel configuration. It is always
// permanent: retrying cannot fix it.
type ConfigError struct {
	Channel string // channel name; empty when unknown (e.g. from Render)
	Key     string // config key, e.g. "host", "port", "body_template"
	Msg     string
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("notify: ")
	if e.Channel != "" {
		fmt.Fprintf(&b, "channel %q: ", e.Channel)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, "%s: ", e.Key)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// SendError reports a failed delivery. Its message and its wrapped error never
// contain secrets (passwords, HMAC secrets, secret URL paths or query values).
type SendError struct {
	Channel   string // channel name
	Type      string // channel type: smtp, webhook, slack
	Code      int    // HTTP status or SMTP reply code; 0 when there was no reply
	Permanent bool   // true: do not retry (bad request, SMTP 5xx, bad message)
	// RetryAfter is the server's Retry-After hint (HTTP 429/503), 0 if none.
	RetryAfter time.Duration
	Err        error // sanitised cause
}

func (e *SendError) Error() string {
	kind := "temporary"
	if e.Permanent {
		kind = "permanent"
	}
	return fmt.Sprintf("notify: %s channel %q: send failed (%s): %v", e.Type, e.Channel, kind, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// IsPermanent reports whether err means the notification can never be
// delivered as it is (invalid config, rejected request, SMTP 5xx), so the
// outbox should give up instead of retrying. Network errors, timeouts, HTTP
// 5xx/429/408 and SMTP 4xx are temporary. Errors this package did not produce,
// and nil, are reported as not permanent.
func IsPermanent(err error) bool {
	if err == nil {
		return false
	}
	var se *SendError
	if errors.As(err, &se) {
		return se.Permanent
	}
	var ce *ConfigError
	return errors.As(err, &ce)
}

// RetryAfter returns the server's Retry-After hint carried by err, or 0.
func RetryAfter(err error) time.Duration {
	var se *SendError
	if errors.As(err, &se) {
		return se.RetryAfter
	}
	return 0
}

// scrubber removes secret strings from error text.
type scrubber []string

const redactedMark = "[REDACTED]"

// add registers secrets; very short strings are ignored, since replacing them
// would mangle every message without protecting anything meaningful.
func (s *scrubber) add(secrets ...string) {
	for _, v := range secrets {
		if len(v) >= 4 {
			*s = append(*s, v)
			if esc := url.QueryEscape(v); esc != v {
				*s = append(*s, esc)
			}
			if esc := url.PathEscape(v); esc != v {
				*s = append(*s, esc)
			}
		}
	}
}

func (s scrubber) scrub(msg string) string {
	// Longest first, so a full URL is replaced before its secret path.
	for _, v := range s.sorted() {
		msg = strings.ReplaceAll(msg, v, redactedMark)
	}
	return msg
}

func (s scrubber) sorted() []string {
	out := append([]string(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j]) > len(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func (s scrubber) contains(msg string) bool {
	for _, v := range s {
		if strings.Contains(msg, v) {
			return true
		}
	}
	return false
}

// sanitizeErr returns an error safe to show: *url.Error gets its URL replaced
// by safeURL; if any secret still shows in the text, the chain is replaced by a
// plain scrubbed message (context errors are kept for errors.Is).
func (s scrubber) sanitizeErr(err error, safeURL string) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = &url.Error{Op: ue.Op, URL: safeURL, Err: ue.Err}
	}
	if !s.contains(err.Error()) {
		return err
	}
	se := &scrubbedError{msg: s.scrub(err.Error())}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		se.cause = context.DeadlineExceeded
	case errors.Is(err, context.Canceled):
		se.cause = context.Canceled
	}
	return se
}

// scrubbedError is an error whose text had secrets removed; only a context
// error is kept underneath (for errors.Is).
type scrubbedError struct {
	msg   string
	cause error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.cause }

package notify

import (
	"encoding/base64"
	"net/url"
	"strings"
)

// RedactURL returns raw safe to show: userinfo is replaced by "REDACTED", each
// query value by "REDACTED", the fragment dropped. Scheme, host and path stay.
// A URL that does not parse is shown as "[REDACTED]".
func RedactURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return redactedMark
	}
	out := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	if u.User != nil {
		out.User = url.User("REDACTED")
	}
	if u.RawQuery != "" {
		q, err := url.ParseQuery(u.RawQuery)
		if err != nil {
			out.RawQuery = "REDACTED"
		} else {
			for k, vs := range q {
				for i := range vs {
					vs[i] = "REDACTED"
				}
				q[k] = vs
			}
			out.RawQuery = q.Encode()
		}
	}
	return out.String()
}

// redactURLPath shows only scheme and host: for URLs whose path is the secret
// (Slack incoming webhooks: https://hooks.slack.com/services/T…/B…/secret).
func redactURLPath(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return redactedMark
	}
	return u.Scheme + "://" + u.Host + "/…"
}

// urlSecrets lists the parts of raw that must never show in errors.
func urlSecrets(raw string, pathIsSecret bool) []string {
	out := []string{raw}
	u, err := url.Parse(raw)
	if err != nil {
		return out
	}
	if u.User != nil {
		out = append(out, u.User.String())
		p, ok := u.User.Password()
		if ok {
			out = append(out, p)
		}
		// net/http sends userinfo as Basic auth; a receiver may echo it.
		out = append(out, base64.StdEncoding.EncodeToString([]byte(u.User.Username()+":"+p)))
	}
	if u.RawQuery != "" {
		out = append(out, u.RawQuery)
		if q, err := url.ParseQuery(u.RawQuery); err == nil {
			for _, vs := range q {
				out = append(out, vs...)
			}
		}
	}
	if pathIsSecret && strings.Trim(u.Path, "/") != "" {
		out = append(out, u.EscapedPath(), u.Path)
		for _, seg := range strings.Split(strings.Trim(u.Path, "/"), "/") {
			if len(seg) >= 8 { // token-like segments; short ones ("services") are not secret
				out = append(out, seg)
			}
		}
	}
	return out
}

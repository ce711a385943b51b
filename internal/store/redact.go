package store

import (
	"net/url"
	"strings"
)

// RedactURI hides the password of a connection string. A string that does
// not parse is reduced to its scheme so nothing secret leaks from it.
func RedactURI(uri string) string {
	if uri == "" {
		return ""
	}
	u, err := url.Parse(uri)
	if err != nil {
		if i := strings.Index(uri, "://"); i >= 0 {
			return uri[:i+3] + "(unparsable)"
		}
		return "(unparsable)"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	return u.String()
}

func uriPassword(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.User == nil {
		// Fall back to a raw scan: user:pass@ before the host list.
		rest := uri
		if i := strings.Index(rest, "://"); i >= 0 {
			rest = rest[i+3:]
		}
		at := strings.LastIndex(rest, "@")
		if at < 0 {
			return ""
		}
		if c := strings.Index(rest[:at], ":"); c >= 0 {
			return rest[c+1 : at]
		}
		return ""
	}
	pw, _ := u.User.Password()
	return pw
}

package render

import (
	"fmt"
	"strings"
	"time"
)

// Formatter formats cell values for the current output: relative times
// and truncated text on a terminal, exact values in a pipe.
type Formatter struct {
	TTY bool
	Now time.Time
}

// Time renders t: "3h ago" on a terminal, RFC 3339 UTC otherwise.
func (f Formatter) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if !f.TTY {
		return t.UTC().Format(time.RFC3339)
	}
	return Relative(f.Now, t)
}

// Truncate shortens s to n runes on a terminal; a pipe gets it whole.
func (f Formatter) Truncate(s string, n int) string {
	if !f.TTY {
		return s
	}
	r := []rune(Escape(s))
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// List joins values with commas.
func (f Formatter) List(v []string) string { return strings.Join(v, ",") }

// Relative describes t relative to now in the style of `gh`.
func Relative(now, t time.Time) string {
	d := now.Sub(t)
	future := d < 0
	if future {
		d = -d
	}
	var s string
	switch {
	case d < time.Minute && future:
		return "in less than a minute"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		s = plural(int(d.Minutes()), "minute")
	case d < 24*time.Hour:
		s = plural(int(d.Hours()), "hour")
	case d < 30*24*time.Hour:
		s = plural(int(d.Hours()/24), "day")
	case d < 365*24*time.Hour:
		s = plural(int(d.Hours()/24/30), "month")
	default:
		s = plural(int(d.Hours()/24/365), "year")
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

package tickets_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/tickets"
)

func TestValidateTitle(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"Card declined", "Card declined", true},
		{"  padded  ", "padded", true},
		{strings.Repeat("é", 200), strings.Repeat("é", 200), true}, // characters, not bytes
		{strings.Repeat("a", 201), "", false},
		{"", "", false},
		{"   ", "", false},
		{"two\nlines", "", false},
		{"tab\there", "", false},
		{"esc \x1b[31mred", "", false},
		{"bidi \u202e override", "", false},
		{"bad \xff utf8", "", false},
		{"emoji 🍔 ok", "emoji 🍔 ok", true},
	}
	for _, tc := range tests {
		got, err := tickets.ValidateTitle(tc.in)
		if tc.ok != (err == nil) || got != tc.want {
			t.Errorf("ValidateTitle(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("ValidateTitle(%q): error %v is not ErrInvalid (exit 2)", tc.in, err)
		}
	}
}

func TestValidateDescription(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"line one\nline two\twith tab", "line one\nline two\twith tab", true},
		{"windows\r\nline", "windows\nline", true},
		{"", "", true},
		{strings.Repeat("x", 20000), strings.Repeat("x", 20000), true},
		{strings.Repeat("x", 20001), "", false},
		{"lone \r carriage return", "", false},
		{"bell \a", "", false},
		{"\xc3\x28", "", false},
	}
	for _, tc := range tests {
		got, err := tickets.ValidateDescription(tc.in)
		if tc.ok != (err == nil) || got != tc.want {
			t.Errorf("ValidateDescription(%.30q) = %.30q, %v; want ok=%v", tc.in, got, err, tc.ok)
		}
	}
}

func TestNormalizeTags(t *testing.T) {
	many := make([]string, 21)
	for i := range many {
		many[i] = "t" + string(rune('a'+i))
	}
	tests := []struct {
		in   []string
		want string
		ok   bool
	}{
		{[]string{"Billing", " refund ", "billing"}, "billing,refund", true},
		{[]string{"a,b", "c"}, "a,b,c", true},
		{[]string{"", " , "}, "", true},
		{[]string{"missing-item", "p2p", "x-1"}, "missing-item,p2p,x-1", true},
		{[]string{strings.Repeat("a", 32)}, strings.Repeat("a", 32), true},
		{[]string{strings.Repeat("a", 33)}, "", false},
		{[]string{"under_score"}, "", false},
		{[]string{"spa ce"}, "", false},
		{[]string{"ümlaut"}, "", false},
		{[]string{"$ne"}, "", false},
		{many[:20], strings.Join(many[:20], ","), true},
		{many, "", false},
	}
	for _, tc := range tests {
		got, err := tickets.NormalizeTags(tc.in)
		if tc.ok != (err == nil) || strings.Join(got, ",") != tc.want {
			t.Errorf("NormalizeTags(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseStatus(t *testing.T) {
	tests := map[string]string{
		"not-started": "not started", "not started": "not started", "Not_Started": "not started",
		"in-progress": "in progress", "IN PROGRESS": "in progress", "complete": "complete",
		"done": "", "completed": "", "": "",
	}
	for in, want := range tests {
		got, err := tickets.ParseStatus(in)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("ParseStatus(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := tickets.ParseStatus("done"); !strings.Contains(err.Error(), "not-started, in-progress, complete") {
		t.Errorf("error does not list the valid statuses: %v", err)
	}
}

func TestParseTimeBound(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"7d", now.Add(-7 * 24 * time.Hour), true},
		{"12h", now.Add(-12 * time.Hour), true},
		{"30m", now.Add(-30 * time.Minute), true},
		{"2w", now.Add(-14 * 24 * time.Hour), true},
		{"2026-11-01", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), true},
		{"2026-11-01T08:30:00+02:00", time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC), true},
		{"yesterday", time.Time{}, false},
		{"7", time.Time{}, false},
		{"-7d", time.Time{}, false},
		{"7y", time.Time{}, false},
	}
	for _, tc := range tests {
		got, err := tickets.ParseTimeBound("created-after", tc.in, now)
		if tc.ok != (err == nil) || !got.Equal(tc.want) {
			t.Errorf("ParseTimeBound(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "--created-after") {
			t.Errorf("error does not name the flag: %v", err)
		}
	}
}

func TestParsePriorityAndSeverity(t *testing.T) {
	if p, err := tickets.ParsePriority("p2"); err != nil || p != "P2" {
		t.Errorf("p2: %q %v", p, err)
	}
	if _, err := tickets.ParsePriority("P5"); err == nil {
		t.Error("P5 accepted")
	}
	if s, err := tickets.ParseSeverity("HIGH"); err != nil || s != "high" {
		t.Errorf("HIGH: %q %v", s, err)
	}
	if _, err := tickets.ParseSeverity("urgent"); err == nil {
		t.Error("urgent accepted")
	}
}

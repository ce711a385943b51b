package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempt int
		want    time.Duration
	}{
		{-5, 30 * time.Second},
		{0, 30 * time.Second},
		{1, 30 * time.Second},
		{2, time.Minute},
		{3, 2 * time.Minute},
		{4, 4 * time.Minute},
		{7, 32 * time.Minute},
		{8, time.Hour}, // 64 min capped
		{9, time.Hour},
		{1000, time.Hour},
		{1 << 30, time.Hour},
	}
	for _, tc := range tests {
		if got := Backoff(tc.attempt); got != tc.want {
			t.Errorf("Backoff(%d) = %v, want %v", tc.attempt, got, tc.want)
		}
		if Backoff(tc.attempt) != Backoff(tc.attempt) {
			t.Errorf("Backoff(%d) not deterministic", tc.attempt)
		}
	}
}

func TestIsPermanent(t *testing.T) {
	cfgErr := ChannelConfig{Type: "nope"}.Validate("x")
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"foreign error", errors.New("boom"), false},
		{"context canceled", context.Canceled, false},
		{"config error", &ConfigError{Channel: "x", Key: "host", Msg: "required"}, true},
		{"joined config errors", cfgErr, true},
		{"permanent send error", &SendError{Permanent: true, Err: errors.New("x")}, true},
		{"temporary send error", &SendError{Permanent: false, Err: errors.New("x")}, false},
		{"wrapped permanent", fmt.Errorf("outbox: %w", &SendError{Permanent: true, Err: errors.New("x")}), true},
		{"wrapped temporary", fmt.Errorf("outbox: %w", &SendError{Err: errors.New("x")}), false},
	}
	for _, tc := range tests {
		if got := IsPermanent(tc.err); got != tc.want {
			t.Errorf("%s: IsPermanent = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"120", 2 * time.Minute},
		{"-1", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
	}
	for _, tc := range tests {
		if got := parseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestSanitizeErrKeepsContext(t *testing.T) {
	var s scrubber
	s.add("secret-value")
	err := s.sanitizeErr(fmt.Errorf("dial secret-value: %w", context.DeadlineExceeded), "")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("lost context error: %v", err)
	}
	if got := err.Error(); got != "dial [REDACTED]: context deadline exceeded" {
		t.Errorf("scrubbed = %q", got)
	}
}

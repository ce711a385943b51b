package notify

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	smtpOK := ChannelConfig{Type: "smtp", Host: "mail.example.com", From: "noreply@example.com"}
	with := func(base ChannelConfig, f func(*ChannelConfig)) ChannelConfig { f(&base); return base }
	tests := []struct {
		name    string
		cfg     ChannelConfig
		wantErr []string // substrings the error must contain; nil = valid
	}{
		{"smtp minimal", smtpOK, nil},
		{"smtp full", ChannelConfig{Type: "SMTP", Host: "mail.example.com", Port: 465, From: "Support <s@example.com>", TLS: "implicit", Username: "u", PasswordEnv: "SMTP_PASSWORD"}, nil},
		{"smtp none on loopback with auth", ChannelConfig{Type: "smtp", Host: "localhost", From: "a@b.c", TLS: "none", Username: "u", PasswordEnv: "P"}, nil},
		{"webhook", ChannelConfig{Type: "webhook", URL: "https://hooks.example.com/x", SecretEnv: "HOOK_SECRET"}, nil},
		{"slack", ChannelConfig{Type: "slack", URL: "https://hooks.slack.com/services/T/B/x", LinkTemplate: "https://s.example.com/t/{{.ID}}"}, nil},

		{"missing type", ChannelConfig{Host: "h"}, []string{`channel "ch"`, "type", "required"}},
		{"unknown type", ChannelConfig{Type: "pager"}, []string{`channel "ch"`, "type", `unknown type "pager"`}},
		{"smtp missing host", with(smtpOK, func(c *ChannelConfig) { c.Host = "" }), []string{`channel "ch"`, "host: required"}},
		{"smtp host with port", with(smtpOK, func(c *ChannelConfig) { c.Host = "mail.example.com:587" }), []string{"host", "port"}},
		{"smtp host url", with(smtpOK, func(c *ChannelConfig) { c.Host = "smtp://mail.example.com" }), []string{"host", "not a host name"}},
		{"smtp bad port", with(smtpOK, func(c *ChannelConfig) { c.Port = 70000 }), []string{`channel "ch"`, "port", "70000"}},
		{"smtp negative port", with(smtpOK, func(c *ChannelConfig) { c.Port = -1 }), []string{"port"}},
		{"smtp bad tls", with(smtpOK, func(c *ChannelConfig) { c.TLS = "ssl" }), []string{`channel "ch"`, "tls", `"ssl"`}},
		{"smtp missing from", with(smtpOK, func(c *ChannelConfig) { c.From = "" }), []string{"from: required"}},
		{"smtp bad from", with(smtpOK, func(c *ChannelConfig) { c.From = "not an address" }), []string{"from", "not an email address"}},
		{"smtp username without password_env", with(smtpOK, func(c *ChannelConfig) { c.Username = "u" }), []string{"password_env", "required when username"}},
		{"smtp password_env without username", with(smtpOK, func(c *ChannelConfig) { c.PasswordEnv = "P" }), []string{"username", "required"}},
		{"smtp auth in clear to remote host", with(smtpOK, func(c *ChannelConfig) { c.TLS = "none"; c.Username = "u"; c.PasswordEnv = "P" }), []string{"tls", "clear text"}},
		{"smtp with url", with(smtpOK, func(c *ChannelConfig) { c.URL = "https://x" }), []string{"url", "does not apply"}},
		{"webhook missing url", ChannelConfig{Type: "webhook"}, []string{`channel "ch"`, "url: required"}},
		{"webhook relative url", ChannelConfig{Type: "webhook", URL: "/hook"}, []string{"url", "http"}},
		{"webhook ftp url", ChannelConfig{Type: "webhook", URL: "ftp://example.com/x"}, []string{"url", "http"}},
		{"webhook with host", ChannelConfig{Type: "webhook", URL: "https://x.example.com", Host: "h"}, []string{"host", "does not apply"}},
		{"webhook with port", ChannelConfig{Type: "webhook", URL: "https://x.example.com", Port: 25}, []string{"port", "does not apply"}},
		{"slack missing url", ChannelConfig{Type: "slack"}, []string{"url: required"}},
		{"slack with secret_env", ChannelConfig{Type: "slack", URL: "https://hooks.slack.com/x", SecretEnv: "S"}, []string{"secret_env", "does not apply"}},
		{"broken body template", with(smtpOK, func(c *ChannelConfig) { c.BodyTemplate = "{{.Title" }), []string{`channel "ch"`, "body_template", "invalid template"}},
		{"unknown field in subject", with(smtpOK, func(c *ChannelConfig) { c.SubjectTemplate = "{{.Nope}}" }), []string{"subject_template", "Nope"}},
		{"link template not a url", ChannelConfig{Type: "slack", URL: "https://hooks.slack.com/x", LinkTemplate: "ticket {{.ID}}"}, []string{"link_template"}},
		{"several problems at once", ChannelConfig{Type: "smtp", Port: 99999, TLS: "bogus"}, []string{"host: required", "port", "tls", "from: required"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate("ch")
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want error containing %q", tc.wantErr)
			}
			for _, s := range tc.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
				// Each problem is reported once.
				if n := strings.Count(err.Error(), s); !strings.HasPrefix(s, "channel ") && strings.Contains(s, " ") && n > 1 {
					t.Errorf("error %q says %q %d times", err, s, n)
				}
			}
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Channel != "ch" {
				t.Errorf("want *ConfigError for channel ch, got %T %v", err, err)
			}
			if !IsPermanent(err) {
				t.Error("config errors must be permanent")
			}
			// New fails the same way.
			if _, nerr := New("ch", tc.cfg, nil); nerr == nil || nerr.Error() != err.Error() {
				t.Errorf("New error = %v, want %v", nerr, err)
			}
		})
	}
}

func TestNewEnv(t *testing.T) {
	const pasted = "Pa55word-pasted-here!"
	tests := []struct {
		name    string
		cfg     ChannelConfig
		env     map[string]string
		wantErr string
	}{
		{"smtp password present", ChannelConfig{Type: "smtp", Host: "h.example.com", From: "a@b.c", Username: "u", PasswordEnv: "SMTP_PW"}, map[string]string{"SMTP_PW": "x"}, ""},
		{"smtp password missing", ChannelConfig{Type: "smtp", Host: "h.example.com", From: "a@b.c", Username: "u", PasswordEnv: "SMTP_PW"}, nil, "SMTP_PW is empty or not set"},
		{"webhook secret missing", ChannelConfig{Type: "webhook", URL: "https://x.example.com", SecretEnv: "HOOK_SECRET"}, nil, "HOOK_SECRET is empty or not set"},
		{"password pasted into password_env", ChannelConfig{Type: "smtp", Host: "h.example.com", From: "a@b.c", Username: "u", PasswordEnv: pasted}, nil, "not an environment variable name"},
		{"secret pasted into secret_env", ChannelConfig{Type: "webhook", URL: "https://x.example.com", SecretEnv: pasted}, nil, "not an environment variable name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := New("ch", tc.cfg, func(k string) string { return tc.env[k] })
			if tc.wantErr == "" {
				if err != nil || ch == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), pasted) {
				t.Errorf("error echoes a pasted secret: %v", err)
			}
			if !IsPermanent(err) {
				t.Error("want permanent")
			}
		})
	}
}

func TestChannelNameAndType(t *testing.T) {
	for _, tc := range []struct {
		cfg  ChannelConfig
		want string
	}{
		{ChannelConfig{Type: "smtp", Host: "h.example.com", From: "a@b.c"}, TypeSMTP},
		{ChannelConfig{Type: "Webhook", URL: "https://x.example.com"}, TypeWebhook},
		{ChannelConfig{Type: "slack", URL: "https://hooks.slack.com/x"}, TypeSlack},
	} {
		ch, err := New("n-"+tc.want, tc.cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ch.Name() != "n-"+tc.want || ch.Type() != tc.want {
			t.Errorf("Name/Type = %q/%q", ch.Name(), ch.Type())
		}
	}
}

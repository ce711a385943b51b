package notify

import (
	"fmt"
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://hooks.example.com/x/y", "https://hooks.example.com/x/y"},
		{"https://user:pw-123@hooks.example.com/x", "https://REDACTED@hooks.example.com/x"},
		{"https://hooks.example.com/x?token=abc&v=2", "https://hooks.example.com/x?token=REDACTED&v=REDACTED"},
		{"https://hooks.example.com/x#frag-secret", "https://hooks.example.com/x"},
		{"::not a url", redactedMark},
		{"/relative?token=abc", redactedMark},
	}
	for _, tc := range tests {
		if got := RedactURL(tc.in); got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRedacted(t *testing.T) {
	const (
		smtpPW   = "smtp-password-Zq9"
		hookSec  = "hook-hmac-secret-Zq9"
		urlPW    = "url-basic-pass-Zq9"
		urlTok   = "query-token-Zq9"
		slackTok = "slackTokenZq9abcdef"
	)
	env := map[string]string{"SMTP_PW": smtpPW, "HOOK_SECRET": hookSec}
	getenv := func(k string) string { return env[k] }
	secrets := []string{smtpPW, hookSec, urlPW, urlTok, slackTok}
	tests := []struct {
		name string
		cfg  ChannelConfig
		want map[string]any
	}{
		{
			name: "smtp",
			cfg:  ChannelConfig{Type: "smtp", Host: "mail.example.com", From: "a@example.com", Username: "mailer", PasswordEnv: "SMTP_PW"},
			want: map[string]any{"name": "ch", "type": "smtp", "host": "mail.example.com", "port": 587, "from": "a@example.com", "tls": "starttls",
				"username": "mailer", "password_env": "SMTP_PW", "password_set": true},
		},
		{
			name: "webhook",
			cfg:  ChannelConfig{Type: "webhook", URL: "https://u:" + urlPW + "@hooks.example.com/in?token=" + urlTok, SecretEnv: "HOOK_SECRET"},
			want: map[string]any{"name": "ch", "type": "webhook", "url": "https://REDACTED@hooks.example.com/in?token=REDACTED",
				"secret_env": "HOOK_SECRET", "signed": true, "timeout": "10s"},
		},
		{
			name: "slack",
			cfg:  ChannelConfig{Type: "slack", URL: "https://hooks.slack.com/services/T01/B02/" + slackTok, LinkTemplate: "https://s.example.com/{{.ID}}"},
			want: map[string]any{"name": "ch", "type": "slack", "url": "https://hooks.slack.com/…", "timeout": "10s", "link_template": "https://s.example.com/{{.ID}}"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := New("ch", tc.cfg, getenv)
			if err != nil {
				t.Fatal(err)
			}
			got := ch.Redacted()
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("Redacted() = %v\nwant         %v", got, tc.want)
			}
			for _, s := range secrets {
				if strings.Contains(fmt.Sprint(got), s) {
					t.Errorf("Redacted() shows secret %q", s)
				}
				// Printing the channel itself must not dump its secrets either.
				if dump := fmt.Sprintf("%v %+v %#v %s", ch, ch, ch, ch); strings.Contains(dump, s) {
					t.Errorf("formatting the channel shows secret %q: %s", s, dump)
				}
			}
		})
	}
}

package notify

import (
	"errors"
	"strings"
	"testing"
)

func TestRenderDefaults(t *testing.T) {
	tk := testTicket()
	tests := []struct {
		name      string
		cfg       ChannelConfig
		note      string
		subject   string
		text      []string // substrings of Text
		notText   []string
		wantHTML  bool
		htmlHas   []string
		htmlHasNo []string
	}{
		{
			name:    "smtp",
			cfg:     ChannelConfig{Type: "smtp", Host: "h.example.com", From: "a@b.c"},
			note:    "line one\r\nline two\x00",
			subject: "[ticketctl] P1 Login <script>alert(1)</script> & fails[31m (in progress)",
			text: []string{"Ticket 65f0c0ffee0123456789abcd: Login <script>alert(1)</script> & fails[31m\n",
				"Status:   in progress\n", "Priority: P1\n", "Severity: critical\n", "Server:   detroit\n",
				"Team:     billing\n", "Tags:     login, billing\n", "\nline one\nline two"},
			notText:   []string{"Link:", "\x1b", "\x00", "\r"},
			wantHTML:  true,
			htmlHas:   []string{"<h2>Login &lt;script&gt;alert(1)&lt;/script&gt; &amp; fails[31m</h2>", "<td>login, billing</td>", "line one\nline two"},
			htmlHasNo: []string{"<script>", "\x1b"},
		},
		{
			name:    "webhook has no html",
			cfg:     ChannelConfig{Type: "webhook", URL: "https://x.example.com"},
			subject: "[ticketctl] P1 Login <script>alert(1)</script> & fails[31m (in progress)",
			text:    []string{"Ticket 65f0c0ffee0123456789abcd:"},
		},
		{
			name:    "slack escapes",
			cfg:     ChannelConfig{Type: "slack", URL: "https://hooks.slack.com/x"},
			note:    "<!here> a&b",
			subject: "[ticketctl] P1 Login <script>alert(1)</script> & fails[31m (in progress)",
			text:    []string{"Login &lt;script&gt;alert(1)&lt;/script&gt; &amp; fails[31m | in progress | P1 | server detroit\n&lt;!here&gt; a&amp;b"},
			notText: []string{"<script>", "<!here>"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Render(tc.cfg, tk, tc.note)
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tc.subject {
				t.Errorf("Subject = %q, want %q", m.Subject, tc.subject)
			}
			for _, s := range tc.text {
				if !strings.Contains(m.Text, s) {
					t.Errorf("Text lacks %q:\n%s", s, m.Text)
				}
			}
			for _, s := range tc.notText {
				if strings.Contains(m.Text, s) {
					t.Errorf("Text contains %q:\n%q", s, m.Text)
				}
			}
			if (m.HTML != "") != tc.wantHTML {
				t.Errorf("HTML present = %v, want %v", m.HTML != "", tc.wantHTML)
			}
			for _, s := range tc.htmlHas {
				if !strings.Contains(m.HTML, s) {
					t.Errorf("HTML lacks %q:\n%s", s, m.HTML)
				}
			}
			for _, s := range tc.htmlHasNo {
				if strings.Contains(m.HTML, s) {
					t.Errorf("HTML contains %q", s)
				}
			}
			if m.Ticket.Title != "Login <script>alert(1)</script> & fails[31m" || m.Ticket.ID != tk.ID {
				t.Errorf("Ticket not kept (cleaned, unescaped): %+v", m.Ticket)
			}
		})
	}
}

func TestRenderOverrides(t *testing.T) {
	tk := testTicket()
	tests := []struct {
		name    string
		cfg     ChannelConfig
		subject string
		text    string
		url     string
		htmlHas string
	}{
		{
			name:    "subject and body",
			cfg:     ChannelConfig{Type: "webhook", URL: "https://x.example.com", SubjectTemplate: "{{upper .Priority}}: {{.Title}}", BodyTemplate: "{{.Server}}/{{.Team}} {{join .Tags \"+\"}} {{.Note}}"},
			subject: "P1: Login <script>alert(1)</script> & fails[31m",
			text:    "detroit/billing login+billing hello",
		},
		{
			name:    "subject collapses to one line and is cut",
			cfg:     ChannelConfig{Type: "webhook", URL: "https://x.example.com", SubjectTemplate: "a\n\nb{{range $i, $e := .Tags}}{{$i}}{{end}}   " + strings.Repeat("x", 300)},
			subject: "a b01 " + strings.Repeat("x", maxSubjectRunes-7) + "…",
			text:    "Ticket 65f0c0ffee0123456789abcd: Login <script>alert(1)</script> & fails[31m",
		},
		{
			name:    "link template sets URL",
			cfg:     ChannelConfig{Type: "smtp", Host: "h.example.com", From: "a@b.c", LinkTemplate: "https://support.example.com/tickets/{{.ID}}"},
			subject: "[ticketctl] P1 Login <script>alert(1)</script> & fails[31m (in progress)",
			text:    "Link:     https://support.example.com/tickets/65f0c0ffee0123456789abcd",
			url:     "https://support.example.com/tickets/65f0c0ffee0123456789abcd",
			htmlHas: `<a href="https://support.example.com/tickets/65f0c0ffee0123456789abcd">`,
		},
		{
			name:    "email body override: html part is the escaped text",
			cfg:     ChannelConfig{Type: "smtp", Host: "h.example.com", From: "a@b.c", BodyTemplate: "Title: {{.Title}}"},
			subject: "[ticketctl] P1 Login <script>alert(1)</script> & fails[31m (in progress)",
			text:    "Title: Login <script>alert(1)</script> & fails[31m",
			htmlHas: "<pre style=\"white-space:pre-wrap;font-family:sans-serif\">Title: Login &lt;script&gt;alert(1)&lt;/script&gt; &amp; fails[31m</pre>",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Render(tc.cfg, tk, "hello")
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tc.subject {
				t.Errorf("Subject = %q\nwant      %q", m.Subject, tc.subject)
			}
			if !strings.Contains(m.Text, tc.text) {
				t.Errorf("Text = %q, want it to contain %q", m.Text, tc.text)
			}
			if m.Ticket.URL != tc.url {
				t.Errorf("URL = %q, want %q", m.Ticket.URL, tc.url)
			}
			if tc.htmlHas != "" && !strings.Contains(m.HTML, tc.htmlHas) {
				t.Errorf("HTML lacks %q:\n%s", tc.htmlHas, m.HTML)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name    string
		cfg     ChannelConfig
		tk      TicketSummary
		wantKey string
		wantIn  string
	}{
		{"unclosed action", ChannelConfig{Type: "webhook", URL: "https://x.example.com", BodyTemplate: "{{.Title"}, testTicket(), "body_template", "unclosed action"},
		{"unknown function", ChannelConfig{Type: "webhook", URL: "https://x.example.com", SubjectTemplate: "{{shout .Title}}"}, testTicket(), "subject_template", `"shout" not defined`},
		{"unknown field", ChannelConfig{Type: "slack", URL: "https://x.example.com", BodyTemplate: "{{.Ticket.Title}}"}, testTicket(), "body_template", "Ticket"},
		{"link not a URL for this ticket", ChannelConfig{Type: "slack", URL: "https://x.example.com", LinkTemplate: "https://s.example.com/{{.Title}}"}, testTicket(), "link_template", "link"},
		{"javascript link", ChannelConfig{Type: "slack", URL: "https://x.example.com", LinkTemplate: "javascript:alert({{.ID}})"}, testTicket(), "link_template", "http"},
		{"unknown type", ChannelConfig{Type: "fax"}, testTicket(), "type", "fax"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Render(tc.cfg, tc.tk, "")
			if err == nil {
				t.Fatal("want error")
			}
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Key != tc.wantKey {
				t.Fatalf("want *ConfigError for key %q, got %T %v", tc.wantKey, err, err)
			}
			if !strings.Contains(err.Error(), tc.wantIn) || !strings.Contains(err.Error(), tc.wantKey) {
				t.Errorf("error %q should mention %q and %q", err, tc.wantKey, tc.wantIn)
			}
		})
	}
	// A caller-supplied URL that is not http(s) is refused.
	tk := testTicket()
	tk.URL = "javascript:alert(1)"
	if _, err := Render(ChannelConfig{Type: "smtp", Host: "h.example.com", From: "a@b.c"}, tk, ""); err == nil {
		t.Error("javascript: URL accepted")
	}
}

func TestCleaning(t *testing.T) {
	tests := []struct {
		name, in, line, text string
	}{
		{"plain", "hello world", "hello world", "hello world"},
		{"ansi escape", "red\x1b[31mtext", "red[31mtext", "red[31mtext"},
		{"newlines", "a\r\nb\rc\nd", "a b c d", "a\nb\nc\nd"},
		{"tabs and nul", "a\tb\x00c", "a bc", "a\tbc"},
		{"c1 and del", "a\u0085b\u009bc\x7fd", "a bcd", "a\nbcd"},
		{"bidi override", "abc\u202edcba\u2066x\u2069", "abcdcbax", "abcdcbax"},
		{"line separator", "a\u2028b", "a b", "a\nb"},
		{"invalid utf8", "a\xffb", "a\uFFFDb", "a\uFFFDb"},
		{"spaces collapse in a line", "  a   b  ", "a b", "  a   b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := cleanLine(tc.in); got != tc.line {
				t.Errorf("cleanLine(%q) = %q, want %q", tc.in, got, tc.line)
			}
			if got := cleanText(tc.in); got != tc.text {
				t.Errorf("cleanText(%q) = %q, want %q", tc.in, got, tc.text)
			}
		})
	}
}

func TestEscapeSlack(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a & b", "a &amp; b"},
		{"<!channel> <@U1> <http://x|y>", "&lt;!channel&gt; &lt;@U1&gt; &lt;http://x|y&gt;"},
		{"&amp;", "&amp;amp;"},
		{"bell\x07 esc\x1b", "bell esc"},
		{"two\nlines", "two\nlines"},
	}
	for _, tc := range tests {
		if got := EscapeSlack(tc.in); got != tc.want {
			t.Errorf("EscapeSlack(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

const slackSecretPath = "/services/T0000AAAA/B0000BBBB/XyZsecretTokenAbc123"

func TestSlackPayload(t *testing.T) {
	hs := newHookServer(t, status(200, "ok"))
	cfg := ChannelConfig{Type: "slack", URL: hs.URL + slackSecretPath, LinkTemplate: "https://support.example.com/tickets/{{.ID}}?a=1&b=2"}
	ch, err := New("team-slack", cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := Render(cfg, testTicket(), "Customer wrote: <@U123> & <!channel>\x1b[2J")
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	reqs := hs.requests()
	if len(reqs) != 1 || reqs[0].Path != slackSecretPath || reqs[0].Method != http.MethodPost {
		t.Fatalf("requests = %+v", reqs)
	}
	if ct := reqs[0].Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var p SlackPayload
	if err := json.Unmarshal(reqs[0].Body, &p); err != nil {
		t.Fatalf("payload: %v\n%s", err, reqs[0].Body)
	}
	const link = "https://support.example.com/tickets/65f0c0ffee0123456789abcd?a=1&amp;b=2"
	const title = "Login &lt;script&gt;alert(1)&lt;/script&gt; &amp; fails[31m"
	wantText := "<" + link + "|" + title + "> | in progress | P1 | server detroit\nCustomer wrote: &lt;@U123&gt; &amp; &lt;!channel&gt;[2J"
	if p.Text != wantText {
		t.Errorf("text =\n%q\nwant\n%q", p.Text, wantText)
	}
	if len(p.Blocks) != 4 {
		t.Fatalf("want 4 blocks (title, fields, note, context), got %d: %s", len(p.Blocks), reqs[0].Body)
	}
	if b := p.Blocks[0]; b.Type != "section" || b.Text == nil || b.Text.Type != "mrkdwn" || b.Text.Text != "*<"+link+"|"+title+">*" {
		t.Errorf("title block = %+v", b)
	}
	var fields []string
	for _, f := range p.Blocks[1].Fields {
		fields = append(fields, f.Text)
	}
	wantFields := []string{"*Status*\nin progress", "*Priority*\nP1", "*Severity*\ncritical", "*Server*\ndetroit", "*Team*\nbilling"}
	if strings.Join(fields, "|") != strings.Join(wantFields, "|") {
		t.Errorf("fields = %q, want %q", fields, wantFields)
	}
	if b := p.Blocks[2]; b.Text == nil || b.Text.Text != "Customer wrote: &lt;@U123&gt; &amp; &lt;!channel&gt;[2J" {
		t.Errorf("note block = %+v", b)
	}
	if b := p.Blocks[3]; b.Type != "context" || len(b.Elements) != 1 || b.Elements[0].Text != "Ticket 65f0c0ffee0123456789abcd" {
		t.Errorf("context block = %+v", b)
	}
	raw := string(reqs[0].Body)
	for _, bad := range []string{"<script>", "<@U123>", "<!channel>", "\\u001b"} {
		if strings.Contains(raw, bad) {
			t.Errorf("payload contains unescaped %q", bad)
		}
	}
}

func TestSlackBodyTemplateOverride(t *testing.T) {
	hs := newHookServer(t, status(200, "ok"))
	cfg := ChannelConfig{Type: "slack", URL: hs.URL + slackSecretPath, BodyTemplate: "New ticket for {{.Team}}: {{.Title}}"}
	ch, err := New("s", cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	tk := testTicket()
	tk.Title = "a <b> & c"
	msg, err := Render(cfg, tk, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	var p SlackPayload
	if err := json.Unmarshal(hs.requests()[0].Body, &p); err != nil {
		t.Fatal(err)
	}
	const want = "New ticket for billing: a &lt;b&gt; &amp; c"
	if p.Text != want || len(p.Blocks) != 1 || p.Blocks[0].Text == nil || p.Blocks[0].Text.Text != want {
		t.Errorf("payload = %+v", p)
	}
}

func TestSlackErrorsHideURLPath(t *testing.T) {
	tests := []struct {
		name          string
		code          int
		body          string
		wantPermanent bool
	}{
		{"no_service 404", 404, "no_service", true},
		{"invalid_payload 400", 400, "invalid_payload", true},
		{"archived 410", 410, "channel_is_archived", true},
		{"rate limited 429", 429, "rate_limited", false},
		{"server error 500", 500, "oops " + slackSecretPath, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs := newHookServer(t, status(tc.code, tc.body))
			cfg := ChannelConfig{Type: "slack", URL: hs.URL + slackSecretPath}
			ch, err := New("s", cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = ch.Send(context.Background(), Message{Text: "x", Ticket: TicketSummary{Title: "t"}})
			if err == nil {
				t.Fatal("want error")
			}
			t.Logf("error: %v", err)
			if IsPermanent(err) != tc.wantPermanent {
				t.Errorf("IsPermanent = %v, want %v", IsPermanent(err), tc.wantPermanent)
			}
			for _, secret := range []string{slackSecretPath, "XyZsecretTokenAbc123", "B0000BBBB/XyZ"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error leaks %q: %v", secret, err)
				}
			}
			if !strings.Contains(err.Error(), "/…") {
				t.Errorf("error should show scheme://host/…: %v", err)
			}
		})
	}
}

package notify_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"slices"
	"strconv"
	"strings"
	"testing"

	notifysvc "github.com/ticketctl/ticketctl/internal/notify"
	"github.com/ticketctl/ticketctl/internal/store"
)

const linkTemplate = `https://support.example.com/tickets/{{.ID}}`

func webhookYAML(hs *hookServer) string {
	return fmt.Sprintf(`
    ops-hook:
      type: webhook
      url: %s/hook?token=%s
      secret_env: HOOK_SECRET
      link_template: %q
`, hs.URL, queryToken, linkTemplate)
}

func smtpYAML(s *smtpServer) string {
	return fmt.Sprintf(`
    support-mail:
      type: smtp
      host: 127.0.0.1
      port: %d
      tls: none
      from: "Tickets <tickets@example.com>"
      username: mailer
      password_env: SMTP_PASSWORD
      to: [oncall@example.com]
`, s.port)
}

func slackYAML(hs *hookServer) string {
	return fmt.Sprintf(`
    team-slack:
      type: slack
      url: %s/services/T000/B000/%s
      link_template: %q
`, hs.URL, slackToken, linkTemplate)
}

func channelsConfig(entries ...string) string {
	return "notify:\n  channels:" + strings.Join(entries, "")
}

func TestTicketsNotifyWebhookIsSigned(t *testing.T) {
	w := newWorld(t)
	hs := newHookServer(t, 204)
	w.writeConfig(channelsConfig(webhookYAML(hs)))
	id := w.Ticket.ID.Hex()

	r := w.must("tickets", "notify", id, "--channel", "ops-hook", "--message", "Customer called <twice>", "-o", "json")
	n := decodeJSON[store.Notification](t, r.Out)
	if n.Status != store.NotifySent || n.Attempts != 1 || n.IdempotencyKey != n.ID.Hex() || n.SentAt == nil ||
		n.Channel != "ops-hook" || n.ChannelType != "webhook" || n.Ticket != w.Ticket.ID || n.Actor != "emp" || n.ClaimedBy != "" {
		t.Fatalf("notification: %+v", n)
	}

	reqs := hs.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	req := reqs[0]
	if req.Path != "/hook" || req.Query != "token="+queryToken {
		t.Errorf("request to %s?%s", req.Path, req.Query)
	}
	sig := req.Header.Get(notifysvc.HeaderSignature)
	if !notifysvc.VerifySignature([]byte(hookSecret), req.Body, sig) {
		t.Errorf("signature %q does not verify", sig)
	}
	tampered := append([]byte(nil), req.Body...)
	tampered[len(tampered)-2] ^= 1
	if notifysvc.VerifySignature([]byte(hookSecret), tampered, sig) {
		t.Error("signature verifies a tampered body")
	}
	if got := req.Header.Get(notifysvc.HeaderTimestamp); got != strconv.FormatInt(w.Now.Unix(), 10) {
		t.Errorf("timestamp header %q, want the injected clock %d", got, w.Now.Unix())
	}
	if got := req.Header.Get(notifysvc.HeaderIdempotencyKey); got != n.ID.Hex() {
		t.Errorf("idempotency header %q, want %s", got, n.ID.Hex())
	}
	p := decodeJSON[notifysvc.WebhookPayload](t, string(req.Body))
	want := notifysvc.TicketSummary{ID: id, Title: w.Ticket.Title, Status: "in progress", Priority: "P1", Severity: "high",
		Server: "central", Team: "billing", Tags: []string{"billing", "card"}, URL: "https://support.example.com/tickets/" + id}
	if p.IdempotencyKey != n.ID.Hex() || p.Channel != "ops-hook" || p.Timestamp != w.Now.Unix() ||
		p.Note != "Customer called <twice>" || fmt.Sprint(p.Ticket) != fmt.Sprint(want) || !strings.Contains(p.Subject, w.Ticket.Title) {
		t.Errorf("payload %+v\nwant ticket %+v", p, want)
	}

	evs := w.notifyEvents()
	if len(evs) != 1 || evs[0].To != "ops-hook" || evs[0].Actor != "emp" || !strings.Contains(evs[0].Note, ": sent") ||
		!strings.Contains(evs[0].Note, n.ID.Hex()) {
		t.Errorf("events: %+v", evs)
	}
}

func TestTicketsNotifyEmail(t *testing.T) {
	w := newWorld(t)
	mail := newSMTPServer(t)
	// notify.templates.link applies to channels without a link_template.
	w.writeConfig(fmt.Sprintf("notify:\n  templates:\n    link: %q\n", linkTemplate) + strings.TrimPrefix(channelsConfig(smtpYAML(mail)), "notify:\n"))
	id := w.Ticket.ID.Hex()

	r := w.must("tickets", "notify", id, "--channel", "support-mail", "--to", "a@example.com", "--to", "b@example.com, c@example.com",
		"--message", "Refund <approved>", "-o", "json")
	n := decodeJSON[store.Notification](t, r.Out)
	if n.Status != store.NotifySent || !slices.Equal(n.Recipients, []string{"a@example.com", "b@example.com", "c@example.com"}) {
		t.Fatalf("notification: %+v", n)
	}
	msgs := mail.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d emails, want 1", len(msgs))
	}
	m := msgs[0]
	if m.From != "tickets@example.com" || !slices.Equal(m.To, n.Recipients) || m.User != "mailer" {
		t.Errorf("envelope: from %q to %v user %q", m.From, m.To, m.User)
	}
	msg, err := netmail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	headers := map[string]string{
		"Subject":                     `[ticketctl] P1 Card <b>declined</b> & "charged" twice (in progress)`,
		"Message-Id":                  "<ticketctl." + n.ID.Hex() + "@example.com>",
		"X-Ticketctl-Ticket":          id,
		"X-Ticketctl-Idempotency-Key": n.ID.Hex(),
		"Auto-Submitted":              "auto-generated",
	}
	for k, want := range headers {
		got := msg.Header.Get(k)
		if k == "Subject" {
			got = subject
		}
		if got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	if from, _ := dec.DecodeHeader(msg.Header.Get("From")); !strings.Contains(from, "tickets@example.com") {
		t.Errorf("From %q", from)
	}
	if to := msg.Header.Get("To"); !strings.Contains(to, "a@example.com") || !strings.Contains(to, "c@example.com") {
		t.Errorf("To %q", to)
	}
	parts := mimeParts(t, msg)
	text, html := parts["text/plain"], parts["text/html"]
	for _, s := range []string{"Ticket " + id + `: Card <b>declined</b> & "charged" twice`, "Server:   central", "Team:     billing",
		"Link:     https://support.example.com/tickets/" + id, "Refund <approved>"} {
		if !strings.Contains(text, s) {
			t.Errorf("text part lacks %q:\n%s", s, text)
		}
	}
	if !strings.Contains(html, "Card &lt;b&gt;declined&lt;/b&gt; &amp; &#34;charged&#34; twice") || strings.Contains(html, "<b>declined") ||
		!strings.Contains(html, "Refund &lt;approved&gt;") {
		t.Errorf("HTML part not escaped:\n%s", html)
	}

	// Without --to the channel's own `to` is used.
	w.must("tickets", "notify", id, "--channel", "support-mail")
	if msgs := mail.messages(); len(msgs) != 2 || !slices.Equal(msgs[1].To, []string{"oncall@example.com"}) {
		t.Errorf("default recipients: %+v", msgs)
	}
}

func mimeParts(t *testing.T, msg *netmail.Message) map[string]string {
	t.Helper()
	out := map[string]string{}
	ct, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ct, "multipart/") {
		t.Fatalf("content type %s, want multipart", ct)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		pct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		out[pct] = string(b)
	}
}

func TestTicketsNotifySlack(t *testing.T) {
	w := newWorld(t)
	hs := newHookServer(t, 200)
	w.writeConfig(channelsConfig(slackYAML(hs)))
	id := w.Ticket.ID.Hex()
	w.must("tickets", "notify", id, "--channel", "team-slack", "--message", "<!channel> please look & fix")

	reqs := hs.requests()
	if len(reqs) != 1 || reqs[0].Path != "/services/T000/B000/"+slackToken {
		t.Fatalf("requests: %+v", reqs)
	}
	var p notifysvc.SlackPayload
	if err := json.Unmarshal(reqs[0].Body, &p); err != nil {
		t.Fatal(err)
	}
	link := "https://support.example.com/tickets/" + id
	title := `Card &lt;b&gt;declined&lt;/b&gt; &amp; "charged" twice`
	if !strings.HasPrefix(p.Text, "<"+link+"|"+title+"> | in progress | P1 | server central") {
		t.Errorf("text %q", p.Text)
	}
	if len(p.Blocks) != 4 {
		t.Fatalf("blocks: %+v", p.Blocks)
	}
	if b := p.Blocks[0]; b.Type != "section" || b.Text == nil || b.Text.Text != "*<"+link+"|"+title+">*" {
		t.Errorf("title block %+v", b)
	}
	var fields []string
	for _, f := range p.Blocks[1].Fields {
		fields = append(fields, f.Text)
	}
	if want := []string{"*Status*\nin progress", "*Priority*\nP1", "*Severity*\nhigh", "*Server*\ncentral", "*Team*\nbilling"}; !slices.Equal(fields, want) {
		t.Errorf("fields %q, want %q", fields, want)
	}
	if b := p.Blocks[2]; b.Text == nil || b.Text.Text != "&lt;!channel&gt; please look &amp; fix" {
		t.Errorf("note block %+v (Slack control sequences must be escaped)", b)
	}
	if b := p.Blocks[3]; b.Type != "context" || len(b.Elements) != 1 || b.Elements[0].Text != "Ticket "+id {
		t.Errorf("context block %+v", b)
	}
	if strings.Contains(string(reqs[0].Body), "<!channel>") || strings.Contains(string(reqs[0].Body), "<b>") {
		t.Errorf("unescaped text in Slack payload: %s", reqs[0].Body)
	}
}

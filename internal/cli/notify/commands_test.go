package notify_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	notifysvc "github.com/ticketctl/ticketctl/internal/notify"
	"github.com/ticketctl/ticketctl/internal/store"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fixedChannels needs no network: `notify channels` only reads the config.
const fixedChannels = `notify:
  channels:
    ops-hook:
      type: webhook
      url: https://user:` + queryToken + `@hooks.example.com/in?token=` + queryToken + `
      secret_env: HOOK_SECRET
    team-slack:
      type: slack
      url: https://hooks.slack.com/services/T000/B000/` + slackToken + `
    support-mail:
      type: smtp
      host: mail.example.com
      from: tickets@example.com
      username: mailer
      password_env: SMTP_PASSWORD
    unsigned:
      type: webhook
      url: https://hooks.example.com/plain
      secret_env: MISSING_SECRET
    typo:
      type: smtp
      hostname: mail.example.com
`

func TestNotifyChannels(t *testing.T) {
	w := newWorld(t)
	w.writeConfig(fixedChannels)
	for _, tc := range []struct {
		name string
		tty  bool
		args []string
	}{
		{"channels_tty", true, nil},
		{"channels_pipe", false, nil},
		{"channels_json", false, []string{"-o", "json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := w.RunExtended(clitest.Options{TTY: tc.tty}, addTicketsNotify, append([]string{"notify", "channels"}, tc.args...)...)
			if r.Code != 2 || !strings.Contains(r.Err, "2 of 5 notification channels are misconfigured") {
				t.Errorf("exit %d, stderr %q", r.Code, r.Err)
			}
			clitest.Golden(t, "TestNotifyChannels_"+tc.name, r.Out, *update)
			assertNoSecrets(t, r.Out+r.Err)
		})
	}
	var infos []notifysvc.ChannelInfo
	if err := json.Unmarshal([]byte(w.run("notify", "channels", "-o", "json").Out), &infos); err != nil {
		t.Fatal(err)
	}
	byName := map[string]notifysvc.ChannelInfo{}
	for _, i := range infos {
		byName[i.Name] = i
	}
	if c := byName["ops-hook"]; !c.OK || !c.SecretSet || c.SecretEnv != "HOOK_SECRET" {
		t.Errorf("ops-hook: %+v", c)
	}
	if c := byName["unsigned"]; c.OK || c.SecretSet || !strings.Contains(c.Error, "MISSING_SECRET is empty or not set") {
		t.Errorf("unsigned: %+v", c)
	}
	if c := byName["typo"]; c.OK || !strings.Contains(c.Error, "invalid keys: hostname") {
		t.Errorf("typo: %+v", c)
	}

	// No channels at all: a hint, exit 0.
	w.writeConfig("database: x\n")
	if r := w.run("notify", "channels"); r.Code != 0 || r.Out != "" || !strings.Contains(r.Err, "no notification channels configured") {
		t.Errorf("no channels: %d %q %q", r.Code, r.Out, r.Err)
	}
}

func TestNotifyTest(t *testing.T) {
	w := newWorld(t)
	hs := newHookServer(t, 204)
	mail := newSMTPServer(t)
	w.writeConfig(channelsConfig(webhookYAML(hs), smtpYAML(mail)))

	r := w.must("notify", "test", "ops-hook")
	if r.Out != "sent a test notification through ops-hook (webhook)\n" {
		t.Errorf("out %q", r.Out)
	}
	reqs := hs.requests()
	if len(reqs) != 1 || !strings.HasPrefix(reqs[0].Header.Get(notifysvc.HeaderIdempotencyKey), "test-") ||
		!notifysvc.VerifySignature([]byte(hookSecret), reqs[0].Body, reqs[0].Header.Get(notifysvc.HeaderSignature)) {
		t.Fatalf("test request: %+v", reqs)
	}
	w.must("notify", "test", "support-mail", "--to", "me@example.com")
	if msgs := mail.messages(); len(msgs) != 1 || msgs[0].To[0] != "me@example.com" || !strings.Contains(msgs[0].Data, "ticketctl test notification") {
		t.Errorf("test email: %+v", msgs)
	}
	// Nothing goes to the outbox.
	if ns := w.notifications(store.NotificationFilter{}); len(ns) != 0 {
		t.Errorf("notify test wrote %d notifications", len(ns))
	}

	hs.status.Store(502)
	r = w.run("notify", "test", "ops-hook")
	if r.Code != 1 || !strings.Contains(r.Err, "HTTP 502") {
		t.Errorf("failing test: %d %q", r.Code, r.Err)
	}
	if r := w.run("notify", "test", "nope"); r.Code != 2 || !strings.Contains(r.Err, `no notification channel "nope" is configured`) ||
		!strings.Contains(r.Err, "configured channels: ops-hook, support-mail") {
		t.Errorf("unknown channel: %d %q", r.Code, r.Err)
	}
	assertNoSecrets(t, r.Out+r.Err)
}

// TestTicketsNotifyRejects: every invalid request fails before anything is
// written or sent.
func TestTicketsNotifyRejects(t *testing.T) {
	w := newWorld(t)
	hs := newHookServer(t, 204)
	mail := newSMTPServer(t)
	w.writeConfig(channelsConfig(webhookYAML(hs), smtpYAML(mail), `
    nosecret:
      type: webhook
      url: https://hooks.example.com/x
      secret_env: UNSET_SECRET
    norcpt:
      type: smtp
      host: 127.0.0.1
      from: a@example.com
`))
	id := w.Ticket.ID.Hex()
	tests := []struct {
		name string
		args []string
		code int
		err  []string
	}{
		{"no channel", []string{id}, 2, []string{"--channel is required", "configured channels: norcpt, nosecret, ops-hook, support-mail"}},
		{"unknown channel", []string{id, "--channel", "pager"}, 2, []string{`no notification channel "pager" is configured`}},
		{"bad id", []string{"nothex", "--channel", "ops-hook"}, 2, []string{`ticket "nothex" is not an id`}},
		{"no such ticket", []string{"65f0c0ffee0123456789abcd", "--channel", "ops-hook"}, 3, []string{"ticket 65f0c0ffee0123456789abcd: not found"}},
		{"to on webhook", []string{id, "--channel", "ops-hook", "--to", "a@example.com"}, 2, []string{"--to applies only to smtp channels"}},
		{"bad recipient", []string{id, "--channel", "support-mail", "--to", "not an address"}, 2, []string{`recipient "not an address"`}},
		{"no recipients", []string{id, "--channel", "norcpt"}, 2, []string{`channel "norcpt" (smtp) needs recipients`, "notify.channels.norcpt.to"}},
		{"secret not set", []string{id, "--channel", "nosecret"}, 2, []string{"UNSET_SECRET is empty or not set"}},
		{"message too long", []string{id, "--channel", "ops-hook", "--message", strings.Repeat("x", 4001)}, 2, []string{"the limit is 4000"}},
		{"bad output", []string{id, "--channel", "ops-hook", "-o", "yaml"}, 2, []string{"unknown output format"}},
		{"two ids", []string{id, id, "--channel", "ops-hook"}, 2, []string{"takes 1 argument"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := w.run(append([]string{"tickets", "notify"}, tc.args...)...)
			if r.Code != tc.code {
				t.Errorf("exit %d, want %d: %s", r.Code, tc.code, r.Err)
			}
			for _, s := range tc.err {
				if !strings.Contains(r.Err, s) {
					t.Errorf("stderr %q lacks %q", r.Err, s)
				}
			}
			if strings.Count(strings.TrimSpace(r.Err), "\n") > 1 || !strings.HasPrefix(r.Err, "ticketctl: ") {
				t.Errorf("not a clean one-line error (plus hint): %q", r.Err)
			}
		})
	}
	if ns := w.notifications(store.NotificationFilter{}); len(ns) != 0 {
		t.Errorf("rejected requests wrote %d notifications", len(ns))
	}
	if len(hs.requests()) != 0 || len(mail.messages()) != 0 {
		t.Error("rejected requests sent something")
	}

	// --message - reads standard input.
	r := w.runStdin("from stdin\nsecond line\n", "tickets", "notify", id, "--channel", "ops-hook", "--message", "-", "-o", "json")
	if r.Code != 0 || decodeJSON[store.Notification](t, r.Out).Note != "from stdin\nsecond line" {
		t.Errorf("stdin message: %d %s %s", r.Code, r.Out, r.Err)
	}
}

func TestNotifyNeedsAnEmployee(t *testing.T) {
	w := newWorld(t)
	hs := newHookServer(t, 204)
	w.writeConfig(channelsConfig(webhookYAML(hs)))
	id := w.Ticket.ID.Hex()
	cmds := [][]string{
		{"tickets", "notify", id, "--channel", "ops-hook"},
		{"notify", "list"},
		{"notify", "retry"},
		{"notify", "test", "ops-hook"},
	}
	w.Login("cust", store.RoleCustomer, "acme")
	for _, args := range cmds {
		if r := w.run(args...); r.Code != 4 || !strings.Contains(r.Err, "needs the employee role") {
			t.Errorf("customer %v: exit %d %q", args, r.Code, r.Err)
		}
	}
	delete(w.Vars, "TICKETCTL_TOKEN")
	for _, args := range cmds {
		if r := w.run(args...); r.Code != 4 || !strings.Contains(r.Err, "not logged in") {
			t.Errorf("anonymous %v: exit %d %q", args, r.Code, r.Err)
		}
	}
	if len(hs.requests()) != 0 {
		t.Error("sent without permission")
	}
	// Admins may.
	w.Login("boss", store.RoleAdmin, "acme")
	w.must("tickets", "notify", id, "--channel", "ops-hook")
}

func TestNotifyListFlags(t *testing.T) {
	w := newWorld(t)
	hs := newHookServer(t, 204)
	w.writeConfig(channelsConfig(webhookYAML(hs)))
	id := w.Ticket.ID.Hex()
	for i := 0; i < 3; i++ {
		w.must("tickets", "notify", id, "--channel", "ops-hook")
	}
	if r := w.run("notify", "list", "--status", "bogus"); r.Code != 2 || !strings.Contains(r.Err, "want one of pending, sent, failed") {
		t.Errorf("bad status: %d %q", r.Code, r.Err)
	}
	if r := w.run("notify", "list", "--ticket", "x"); r.Code != 2 {
		t.Errorf("bad ticket: %d %q", r.Code, r.Err)
	}
	if r := w.must("notify", "list", "--limit", "2", "-o", "ids"); strings.Count(r.Out, "\n") != 2 {
		t.Errorf("--limit 2: %q", r.Out)
	}
	if r := w.must("notify", "list", "--limit", "2", "--all", "-o", "ids"); strings.Count(r.Out, "\n") != 3 {
		t.Errorf("--all: %q", r.Out)
	}
	r := w.RunExtended(clitest.Options{TTY: true}, addTicketsNotify, "notify", "list")
	lines := strings.Split(strings.TrimRight(r.Out, "\n"), "\n")
	if r.Code != 0 || len(lines) != 4 || !strings.HasPrefix(lines[0], "ID ") || !strings.Contains(lines[1], "ops-hook") ||
		!strings.Contains(lines[1], "sent") || !strings.Contains(lines[1], "just now") {
		t.Errorf("tty table:\n%s", r.Out)
	}
	if r := w.must("notify", "list", "--status", "pending", "-o", "json"); strings.TrimSpace(r.Out) != "[]" {
		t.Errorf("no pending: %q", r.Out)
	}
}

// TestNoSecretInOutputEventsOrDocuments runs every command against
// endpoints that fail and echo what they received, then searches all
// output, every notification and every event for the secrets.
func TestNoSecretInOutputEventsOrDocuments(t *testing.T) {
	w := newWorld(t)
	echo := newHookServer(t, 500)
	mail := newSMTPServer(t)
	w.writeConfig(channelsConfig(webhookYAML(echo), slackYAML(echo), smtpYAML(mail), fmt.Sprintf(`
    wrong-password:
      type: smtp
      host: 127.0.0.1
      port: %d
      tls: none
      from: a@example.com
      username: mailer
      password_env: WRONG_PASSWORD
      to: [x@example.com]
`, mail.port)))
	w.Vars["WRONG_PASSWORD"] = "wrong-" + smtpPassword
	// The endpoint echoes the whole request, query and signature included.
	echo.body.Store("echo")
	id := w.Ticket.ID.Hex()

	var out strings.Builder
	record := func(r clitest.Result) { out.WriteString(r.Out + r.Err) }
	for _, ch := range []string{"ops-hook", "team-slack", "wrong-password"} {
		record(w.run("tickets", "notify", id, "--channel", ch, "-o", "json"))
		record(w.run("tickets", "notify", id, "--channel", ch))
		record(w.run("notify", "test", ch))
	}
	record(w.run("tickets", "notify", id, "--channel", "support-mail", "-o", "json"))
	w.Now = w.Now.Add(10 * 60e9)
	record(w.run("notify", "retry", "-o", "json"))
	record(w.run("notify", "retry"))
	record(w.run("notify", "list", "-o", "json"))
	record(w.run("notify", "list"))
	record(w.run("notify", "channels", "-o", "json"))
	record(w.run("notify", "channels"))
	if !strings.Contains(out.String(), "HTTP 500") || !strings.Contains(out.String(), "535") {
		t.Fatalf("the failures did not happen:\n%s", out.String())
	}
	assertNoSecrets(t, out.String())

	docs, err := json.Marshal(w.notifications(store.NotificationFilter{}))
	if err != nil {
		t.Fatal(err)
	}
	evs, err := json.Marshal(w.notifyEvents())
	if err != nil {
		t.Fatal(err)
	}
	if len(w.notifyEvents()) < 8 {
		t.Errorf("%d events, want one per attempt", len(w.notifyEvents()))
	}
	assertNoSecrets(t, string(docs))
	assertNoSecrets(t, string(evs))
}

func assertNoSecrets(t *testing.T, s string) {
	t.Helper()
	for _, secret := range []string{hookSecret, smtpPassword, slackToken, queryToken} {
		if strings.Contains(s, secret) {
			t.Errorf("secret %q appears in:\n%s", secret, s)
		}
	}
}

// TestChannelFromConfigSet: `config set` stores every value as a string;
// port and a comma-separated `to` still decode.
func TestChannelFromConfigSet(t *testing.T) {
	w := newWorld(t)
	mail := newSMTPServer(t)
	for _, kv := range [][2]string{
		{"type", "smtp"}, {"host", "127.0.0.1"}, {"port", fmt.Sprint(mail.port)}, {"tls", "none"},
		{"from", "tickets@example.com"}, {"username", "mailer"}, {"password_env", "SMTP_PASSWORD"},
		{"to", "a@example.com, b@example.com"},
	} {
		w.must("config", "set", "notify.channels.mail."+kv[0], kv[1])
	}
	w.must("config", "set", "notify.max-attempts", "3")
	w.must("notify", "channels")
	w.must("tickets", "notify", w.Ticket.ID.Hex(), "--channel", "mail")
	if msgs := mail.messages(); len(msgs) != 1 || strings.Join(msgs[0].To, " ") != "a@example.com b@example.com" {
		t.Errorf("messages: %+v", msgs)
	}
	w.must("config", "set", "notify.max-attempts", "many")
	if r := w.run("tickets", "notify", w.Ticket.ID.Hex(), "--channel", "mail"); r.Code != 2 || !strings.Contains(r.Err, "notify.max-attempts") {
		t.Errorf("bad max-attempts: %d %q", r.Code, r.Err)
	}
}

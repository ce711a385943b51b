package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	smtpd "github.com/emersion/go-smtp"
	"github.com/spf13/cobra"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/cli/notify"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// Secrets used by the tests; none may ever show in output, documents or
// errors.
const (
	hookSecret   = "whsec-7Hq2-hook-hmac-secret"
	smtpPassword = "smtp-pw-K9x2-very-secret"
	slackToken   = "xoxSlackTokenPathSecret42"
	queryToken   = "qtok-Z81-query-secret"
)

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

// world is one test's database, logged-in employee and ticket.
type world struct {
	*clitest.Env
	Ticket store.Ticket
	Team   store.Team
}

// newWorld logs in an employee and creates a ticket on the central server
// assigned to team "billing". The title has characters every channel must
// escape.
func newWorld(t *testing.T) *world {
	t.Helper()
	e := clitest.New(t)
	e.Now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e.Login("emp", store.RoleEmployee, "acme")
	c := ctx(t)
	central, err := e.Store.CentralServer(c)
	if err != nil {
		t.Fatal(err)
	}
	team := store.Team{Name: "billing", Company: "acme", Category: "billing"}
	if err := e.Store.InsertTeam(c, &team); err != nil {
		t.Fatal(err)
	}
	tk := store.Ticket{Title: `Card <b>declined</b> & "charged" twice`, Description: "see title", Tags: []string{"billing", "card"},
		Status: store.StatusInProgress, Server: central.ID, Team: &team.ID, Priority: "P1", Severity: "high",
		CreatedAt: e.Now.Add(-time.Hour)}
	if err := e.Store.InsertTicket(c, &tk); err != nil {
		t.Fatal(err)
	}
	e.Vars["HOOK_SECRET"] = hookSecret
	e.Vars["SMTP_PASSWORD"] = smtpPassword
	return &world{Env: e, Ticket: tk, Team: team}
}

// writeConfig writes the config file the commands read.
func (w *world) writeConfig(yaml string) {
	w.T.Helper()
	dir := filepath.Join(w.Vars["XDG_CONFIG_HOME"], "ticketctl")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		w.T.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(yaml), 0o600); err != nil {
		w.T.Fatal(err)
	}
}

// addTicketsNotify wires `tickets notify` the way the tickets package
// will, unless it already is.
func addTicketsNotify(root *cobra.Command, f *cmdutil.Factory) {
	tickets := clitest.Subcommand(root, "tickets")
	if !clitest.HasSubcommand(tickets, "notify") {
		tickets.AddCommand(notify.NewCmdTicketsNotify(f))
	}
}

// run runs any ticketctl command, with `tickets notify` available.
func (w *world) run(args ...string) clitest.Result {
	w.T.Helper()
	return w.RunExtended(clitest.Options{}, addTicketsNotify, args...)
}

func (w *world) runStdin(stdin string, args ...string) clitest.Result {
	w.T.Helper()
	return w.RunExtended(clitest.Options{Stdin: stdin}, addTicketsNotify, args...)
}

func (w *world) must(args ...string) clitest.Result {
	w.T.Helper()
	r := w.run(args...)
	if r.Code != 0 {
		w.T.Fatalf("ticketctl %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.Code, r.Out, r.Err)
	}
	return r
}

func (w *world) notifications(f store.NotificationFilter) []store.Notification {
	w.T.Helper()
	var out []store.Notification
	for n, err := range w.Store.Notifications(ctx(w.T), f, 0) {
		if err != nil {
			w.T.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

func (w *world) notifyEvents() []store.Event {
	w.T.Helper()
	evs, err := w.Store.TicketEvents(ctx(w.T), w.Ticket.ID)
	if err != nil {
		w.T.Fatal(err)
	}
	var out []store.Event
	for _, e := range evs {
		if e.Action == "ticket.notify" {
			out = append(out, e)
		}
	}
	return out
}

func decodeJSON[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	return v
}

// hookServer is an httptest server that records requests and answers with
// the current status (changeable while it runs).
type hookServer struct {
	*httptest.Server
	status atomic.Int32
	body   atomic.Value // string answered with errors
	delay  time.Duration
	mu     sync.Mutex
	reqs   []hookRequest
}

type hookRequest struct {
	Path   string
	Query  string
	Header http.Header
	Body   []byte
}

func newHookServer(t *testing.T, status int) *hookServer {
	t.Helper()
	hs := &hookServer{}
	hs.status.Store(int32(status))
	hs.body.Store("")
	hs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if hs.delay > 0 {
			time.Sleep(hs.delay)
		}
		hs.mu.Lock()
		hs.reqs = append(hs.reqs, hookRequest{Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
		hs.mu.Unlock()
		code := int(hs.status.Load())
		w.WriteHeader(code)
		if code >= 300 {
			body := hs.body.Load().(string)
			if body == "echo" {
				// A careless receiver that echoes what it got: URL
				// (query included), headers and body.
				body = fmt.Sprintf("echo %s %v %s", r.URL.String(), r.Header, body)
			}
			_, _ = io.WriteString(w, body)
		}
	}))
	t.Cleanup(hs.Close)
	return hs
}

func (hs *hookServer) requests() []hookRequest {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	return append([]hookRequest(nil), hs.reqs...)
}

// smtpServer is an in-process SMTP server (go-smtp) that requires AUTH
// PLAIN with user/smtpPassword and keeps what it receives.
type smtpServer struct {
	mu   sync.Mutex
	msgs []smtpMessage
	port int
}

type smtpMessage struct {
	From string
	To   []string
	Data string
	User string
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	srv := smtpd.NewServer(s)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = nopLogger{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.port = l.Addr().(*net.TCPAddr).Port
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

func (s *smtpServer) messages() []smtpMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMessage(nil), s.msgs...)
}

func (s *smtpServer) NewSession(*smtpd.Conn) (smtpd.Session, error) { return &smtpSession{s: s}, nil }

type smtpSession struct {
	s    *smtpServer
	user string
	cur  smtpMessage
}

func (ss *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != "mailer" || password != smtpPassword {
			return smtpd.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtpd.MailOptions) error {
	if ss.user == "" {
		return smtpd.ErrAuthRequired
	}
	ss.cur = smtpMessage{From: from, User: ss.user}
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtpd.RcptOptions) error {
	ss.cur.To = append(ss.cur.To, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.cur.Data = string(b)
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, ss.cur)
	ss.s.mu.Unlock()
	return nil
}

func (ss *smtpSession) Reset()        { ss.cur = smtpMessage{} }
func (ss *smtpSession) Logout() error { return nil }

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Println(...any)        {}

func objectIDs(ns []store.Notification) map[bson.ObjectID]store.Notification {
	out := map[bson.ObjectID]store.Notification{}
	for _, n := range ns {
		out[n.ID] = n
	}
	return out
}

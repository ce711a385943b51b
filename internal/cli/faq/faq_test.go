package faq_test

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ticketctl/ticketctl/internal/cli/clitest"
	"github.com/ticketctl/ticketctl/internal/faqs"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var update = flag.Bool("update", false, "rewrite golden files")

func ctxT(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, s)
	}
	return v
}

func must(t *testing.T, r clitest.Result, what string) clitest.Result {
	t.Helper()
	if r.Code != 0 {
		t.Fatalf("%s: exit %d\nstdout: %s\nstderr: %s", what, r.Code, r.Out, r.Err)
	}
	return r
}

var idPattern = regexp.MustCompile(`[0-9a-f]{24}`)

// stable replaces ids, which differ on every run, for golden files (with
// as many characters, so tables stay aligned).
func stable(s string) string { return idPattern.ReplaceAllString(s, "<id--------------------->") }

func newEnv(t *testing.T) *clitest.Env {
	e := clitest.New(t)
	e.Now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	e.Login("eve", store.RoleEmployee, "acme")
	return e
}

// catalogue is a small FAQ set in the CSV shape of intent-labelled data.
const catalogue = `intent,category,answer
get_refund,BILLING,"Refunds go back to your card within 5 business days of the return."
recover_password,ACCOUNT,"Use the Forgot password link on the sign-in page; we email you a reset link."
track_order,SHIPPING,"Your tracking number is in the shipping confirmation email; the courier updates it daily."
`

func TestAddListGetDelete(t *testing.T) {
	e := newEnv(t)
	r := must(t, e.Run("faq", "add", "--key", "refund-policy", "--question", "Can I get a refund?", "--answer", "Yes, within 30 days.", "--tag", "Billing"), "add")
	id := strings.TrimSpace(r.Out)
	must(t, e.RunStdin("Email us.\nWe answer within a day.", "faq", "add", "--question", "How do I contact you?", "--answer", "-"), "add from stdin")
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"faq", "add", "--key", "refund-policy", "--question", "q", "--answer", "a"}, 5, "exists already"},
		{[]string{"faq", "add", "--question", "", "--answer", "a"}, 2, "question has 0 characters"},
		{[]string{"faq", "add", "--question", "q"}, 2, "--question and --answer are required"},
		{[]string{"faq", "add", "--key", "bad key", "--question", "q", "--answer", "a"}, 2, "key \"bad key\""},
		{[]string{"faq", "add", "--question", "q", "--answer", "a", "--tag", "no spaces"}, 2, "tag"},
		{[]string{"faq", "get", "nope"}, 3, "not found"},
		{[]string{"faq", "delete", "refund-policy"}, 2, "--yes"},
	}
	for _, tc := range tests {
		r := e.Run(tc.args...)
		if r.Code != tc.code || !strings.Contains(r.Err, tc.msg) {
			t.Errorf("%v: exit %d %q, want %d containing %q", tc.args, r.Code, r.Err, tc.code, tc.msg)
		}
	}
	for _, tty := range []bool{false, true} {
		r := must(t, e.RunWith(clitest.Options{TTY: tty}, "faq", "list"), "list")
		name := map[bool]string{false: "list_pipe", true: "list_tty"}[tty]
		clitest.Golden(t, name, stable(r.Out), *update)
	}
	got := decode[store.FAQ](t, must(t, e.Run("faq", "get", id, "-o", "json"), "get by id").Out)
	if got.Key != "refund-policy" || got.Tags[0] != "billing" || got.CreatedBy != "eve" {
		t.Errorf("get: %+v", got)
	}
	out := must(t, e.Run("faq", "get", "refund-policy"), "get by key").Out
	if !strings.Contains(out, "Question: Can I get a refund?") || !strings.Contains(out, "Answer:\n  Yes, within 30 days.") {
		t.Errorf("get table:\n%s", out)
	}
	must(t, e.Run("faq", "delete", "refund-policy", "--yes"), "delete")
	if r := e.Run("faq", "get", id); r.Code != 3 {
		t.Errorf("get after delete: exit %d", r.Code)
	}
	ev, _ := e.Store.SubjectEvents(ctxT(t), "faq:"+id)
	if len(ev) != 2 || ev[0].Action != faqs.ActionAdd || ev[1].Action != faqs.ActionDelete {
		t.Errorf("events %+v", ev)
	}
	e.Login("cathy", store.RoleCustomer, "")
	if r := e.Run("faq", "list"); r.Code != 4 {
		t.Errorf("customer faq list: exit %d", r.Code)
	}
}

func TestImportIsIdempotentAndAllOrNothing(t *testing.T) {
	e := newEnv(t)
	rep := decode[faqs.ImportReport](t, must(t, e.RunStdin(catalogue, "faq", "import", "-", "-o", "json"), "import csv").Out)
	if rep.Records != 3 || rep.Inserted != 3 || rep.Updated != 0 {
		t.Fatalf("first import: %+v", rep)
	}
	f := decode[store.FAQ](t, must(t, e.Run("faq", "get", "recover_password", "-o", "json"), "get").Out)
	if f.Question != "recover password" || len(f.Tags) != 1 || f.Tags[0] != "account" {
		t.Errorf("intent-shaped CSV: %+v", f)
	}
	rep = decode[faqs.ImportReport](t, must(t, e.RunStdin(catalogue, "faq", "import", "-", "-o", "json"), "again").Out)
	if rep.Inserted != 0 || rep.Updated != 3 {
		t.Errorf("second import: %+v", rep)
	}
	// What list writes imports back.
	nd := must(t, e.Run("faq", "list", "-o", "ndjson"), "list ndjson").Out
	rep = decode[faqs.ImportReport](t, must(t, e.RunStdin(nd, "faq", "import", "-", "-o", "json"), "round trip").Out)
	if rep.Updated != 3 || rep.Invalid != 0 {
		t.Errorf("round trip: %+v", rep)
	}
	bad := `{"key":"a","question":"Q1","answer":"A1"}
{"key":"b","question":"","answer":"A2"}
{"key":"a","question":"Q3","answer":"A3"}
{"key":"c","question":"Q4","answer":"A4","colour":"red"}
`
	r := e.RunStdin(bad, "faq", "import", "-")
	if r.Code != 2 || !strings.Contains(r.Out, "line 2: question has 0 characters") ||
		!strings.Contains(r.Out, `line 3: key "a" appears twice (first on line 1)`) || !strings.Contains(r.Out, `line 4: want a JSON object`) {
		t.Errorf("invalid import: exit %d\n%s\n%s", r.Code, r.Out, r.Err)
	}
	if all, _ := e.Store.FAQs(ctxT(t)); len(all) != 3 {
		t.Errorf("an invalid import wrote %d FAQs", len(all)-3)
	}
	rep = decode[faqs.ImportReport](t, must(t, e.RunStdin(bad, "faq", "import", "-", "--skip-invalid", "-o", "json"), "skip invalid").Out)
	if rep.Inserted != 1 || rep.Invalid != 3 {
		t.Errorf("--skip-invalid: %+v", rep)
	}
	arr := `[{"question":"Keyless?","answer":"Added each time."}]`
	for range 2 {
		must(t, e.RunStdin(arr, "faq", "import", "-"), "json array")
	}
	if all, _ := e.Store.FAQs(ctxT(t)); len(all) != 6 {
		t.Errorf("after keyless imports: %d FAQs, want 6", len(all))
	}
	if r := e.RunStdin("title,body\nx,y\n", "faq", "import", "-"); r.Code != 2 || !strings.Contains(r.Err, "need a question") {
		t.Errorf("CSV without the columns: exit %d %s", r.Code, r.Err)
	}
}

func TestMatch(t *testing.T) {
	e := newEnv(t)
	if r := e.Run("faq", "match", "anything"); r.Code != 3 || !strings.Contains(r.Err, "no FAQs") {
		t.Errorf("no FAQs: exit %d %s", r.Code, r.Err)
	}
	must(t, e.RunStdin(catalogue, "faq", "import", "-"), "import")
	r := must(t, e.Run("faq", "match", "I", "forgot", "my", "password"), "match text")
	clitest.Golden(t, "match_pipe", stable(r.Out), *update)
	res := decode[faqs.Result](t, must(t, e.Run("faq", "match", "where is my parcel, the tracking number never came", "-o", "json"), "match json").Out)
	if len(res.Matches) == 0 || res.Matches[0].Key != "track_order" || res.Confidence <= 0 || res.Threshold != nil || res.AutoResolve ||
		!strings.Contains(res.Why, "never calibrated") || len(res.Terms) == 0 {
		t.Errorf("match json: %+v", res)
	}
	c := ctxT(t)
	central, _ := e.Store.CentralServer(c)
	tk := store.Ticket{Title: "Refund", Description: "I returned it, when is my refund on the card?", Tags: []string{"billing"},
		Status: store.StatusNotStarted, Server: central.ID}
	if err := e.Store.InsertTicket(c, &tk); err != nil {
		t.Fatal(err)
	}
	res = decode[faqs.Result](t, must(t, e.Run("faq", "match", "--ticket", tk.ID.Hex(), "-o", "json"), "match ticket").Out)
	if res.Ticket == nil || *res.Ticket != tk.ID || res.Matches[0].Key != "get_refund" {
		t.Errorf("match --ticket: %+v", res)
	}
	in := `{"id": 7, "text": "reset my password please"}

{"id": "q-2", "title": "Courier", "description": "package tracking", "tags": ["shipping"]}
{"text": "zzz qqq"}
`
	out := must(t, e.RunStdin(in, "faq", "match", "--stdin", "--top", "0"), "match stdin").Out
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("--stdin: %d lines\n%s", len(lines), out)
	}
	first, second, third := decode[faqs.Result](t, lines[0]), decode[faqs.Result](t, lines[1]), decode[faqs.Result](t, lines[2])
	if string(first.ID) != "7" || first.Matches[0].Key != "recover_password" || len(first.Matches) < 2 ||
		string(second.ID) != `"q-2"` || second.Matches[0].Key != "track_order" || len(third.Matches) != 0 || third.ID != nil {
		t.Errorf("--stdin results:\n%s", out)
	}
	tests := []struct {
		stdin string
		args  []string
		msg   string
	}{
		{"", []string{"faq", "match"}, "exactly one of"},
		{"", []string{"faq", "match", "x", "--stdin"}, "exactly one of"},
		{"", []string{"faq", "match", "x", "--top", "-1"}, "--top"},
		{"{\"text\":\"ok\"}\nnot json\n", []string{"faq", "match", "--stdin"}, "stdin line 2"},
		{"{\"id\":1}\n", []string{"faq", "match", "--stdin"}, "stdin line 1: no text"},
		{"", []string{"faq", "match", "--ticket", "abc"}, "not an id"},
	}
	for _, tc := range tests {
		r := e.RunStdin(tc.stdin, tc.args...)
		if r.Code != 2 || !strings.Contains(r.Err, tc.msg) {
			t.Errorf("%v: exit %d %q, want 2 containing %q", tc.args, r.Code, r.Err, tc.msg)
		}
	}
}

type runSummary struct {
	Resolved    int            `json:"resolved"`
	Moved       int            `json:"moved"`
	Left        int            `json:"left"`
	Skipped     int            `json:"skipped"`
	Failed      int            `json:"failed"`
	LeftReasons map[string]int `json:"left_reasons"`
}

type planEntry struct {
	Ticket     string   `json:"ticket"`
	Action     string   `json:"action"`
	Strategy   string   `json:"strategy"`
	Reasons    []string `json:"reasons"`
	Confidence float64  `json:"confidence"`
	TopTerms   []string `json:"top_terms"`
	FAQ        string   `json:"faq"`
}

// labelled are calibration queries: answerable ones and two no FAQ
// answers, which must never be auto-resolved.
const labelled = `{"text": "I forgot my password and cannot sign in", "faq": "recover_password"}
{"text": "password reset link please", "faq": "recover_password"}
{"text": "where is my parcel, no tracking number", "faq": "track_order"}
{"text": "courier tracking not updated", "faq": "track_order"}
{"text": "refund to my card after the return", "faq": "get_refund"}
{"text": "when do I get my refund", "faq": "get_refund"}
{"text": "can I change the colour of the app", "faq": null}
{"text": "my card was declined in the shop", "faq": null}
`

func TestCalibrateThenAutoResolve(t *testing.T) {
	e := newEnv(t)
	c := ctxT(t)
	must(t, e.RunStdin(catalogue, "faq", "import", "-"), "import")
	central, _ := e.Store.CentralServer(c)
	waiting := func(title, desc string) store.Ticket {
		tk := store.Ticket{Title: title, Description: desc, Tags: []string{}, Status: store.StatusNotStarted,
			Server: central.ID, CreatedAt: e.Now.Add(-time.Minute)}
		if err := e.Store.InsertTicket(c, &tk); err != nil {
			t.Fatal(err)
		}
		return tk
	}
	pw := waiting("Forgot my password", "I need a password reset link to sign in")
	other := waiting("App colours", "Can the app have a dark theme?")

	// Not calibrated: the faq strategy resolves nothing and says why.
	s := decode[runSummary](t, must(t, e.Run("distribute", "auto", "--strategy", "faq", "--yes", "-o", "json"), "auto uncalibrated").Out)
	if s.Resolved != 0 || s.Left != 2 {
		t.Errorf("uncalibrated: %+v", s)
	}
	for reason := range s.LeftReasons {
		if !strings.Contains(reason, "never calibrated") {
			t.Errorf("left reason %q", reason)
		}
	}

	if r := e.RunStdin(labelled, "faq", "calibrate", "--queries", "-"); r.Code != 4 {
		t.Errorf("employee storing a calibration: exit %d", r.Code)
	}
	dry := decode[faqs.CalibrationReport](t, must(t, e.RunStdin(labelled, "faq", "calibrate", "--queries", "-", "--dry-run", "-o", "json"), "dry run").Out)
	if dry.Queries != 8 || dry.Answerable != 6 || dry.Top1 != 1 || dry.MRR != 1 || !dry.Choice.Reached || dry.Stored ||
		dry.Choice.Precision < 0.95 || len(dry.Curve) != 101 {
		t.Fatalf("dry run: %+v", dry)
	}
	if _, err := e.Store.FAQCalibrationSetting(c); err == nil {
		t.Fatal("a dry run stored the calibration")
	}
	e.Login("ada", store.RoleAdmin, "acme")
	out := must(t, e.RunStdin(labelled, "faq", "calibrate", "--queries", "-"), "calibrate").Out
	if !strings.Contains(out, "top-1 accuracy 1.000") || !strings.Contains(out, "stored: the faq strategy resolves tickets") {
		t.Errorf("calibrate table:\n%s", out)
	}

	entries := decode[[]planEntry](t, must(t, e.Run("distribute", "plan", "--strategy", "faq", "-o", "json"), "plan").Out)
	for _, en := range entries {
		switch en.Ticket {
		case pw.ID.Hex():
			if en.Action != "resolve" || en.Strategy != "faq" || en.FAQ == "" || en.Confidence <= 0 || len(en.TopTerms) == 0 ||
				!strings.Contains(en.Reasons[0], `FAQ "recover_password" answers it`) {
				t.Errorf("password ticket: %+v", en)
			}
		case other.ID.Hex():
			if en.Action != "leave" {
				t.Errorf("unrelated ticket: %+v", en)
			}
		}
	}
	s = decode[runSummary](t, must(t, e.Run("distribute", "auto", "--strategy", "faq", "--yes", "-o", "json"), "auto").Out)
	if s.Resolved != 1 || s.Left != 1 || s.Failed != 0 {
		t.Fatalf("auto: %+v", s)
	}
	got, _ := e.Store.GetTicket(c, pw.ID)
	faq, _ := e.Store.GetFAQByKey(c, "recover_password")
	if got.Status != store.StatusComplete || got.Resolution == nil || got.Resolution.FAQ == nil || *got.Resolution.FAQ != faq.ID ||
		got.Triage == nil || got.Triage.Method != "faq" || got.Version != pw.Version+1 {
		t.Errorf("resolved ticket: %+v res %+v triage %+v", got, got.Resolution, got.Triage)
	}
	ev, _ := e.Store.TicketEvents(c, pw.ID)
	if len(ev) != 1 || ev[0].Action != faqs.ActionResolve || ev[0].Actor != "ada" || ev[0].To != store.StatusComplete ||
		!strings.Contains(ev[0].Note, "recover_password") {
		t.Errorf("events %+v", ev)
	}
	// Again: nothing left for the FAQ strategy.
	s = decode[runSummary](t, must(t, e.Run("distribute", "auto", "--strategy", "faq", "--yes", "-o", "json"), "again").Out)
	if s.Resolved != 0 {
		t.Errorf("second run resolved %d", s.Resolved)
	}
	// A changed FAQ set switches auto-resolution off until recalibrated.
	must(t, e.Run("faq", "add", "--question", "Do you ship abroad?", "--answer", "Yes."), "add")
	waiting("Password", "forgot my password, reset link please")
	entries = decode[[]planEntry](t, must(t, e.Run("distribute", "plan", "--strategy", "faq", "-o", "json"), "plan after change").Out)
	for _, en := range entries {
		if en.Action != "leave" || !strings.Contains(en.Reasons[0], "FAQs changed since the last calibration") {
			t.Errorf("after a change: %+v", en)
		}
	}
}

func TestCalibrateFromResolvedHistory(t *testing.T) {
	e := newEnv(t)
	c := ctxT(t)
	must(t, e.RunStdin(catalogue, "faq", "import", "-"), "import")
	if r := e.Run("faq", "calibrate", "--dry-run"); r.Code != 2 || !strings.Contains(r.Err, "no labelled queries") {
		t.Errorf("no history: exit %d %s", r.Code, r.Err)
	}
	faq, _ := e.Store.GetFAQByKey(c, "track_order")
	gone := faq.ID
	gone[0] ^= 0xff
	central, _ := e.Store.CentralServer(c)
	for _, tk := range []store.Ticket{
		{Title: "Parcel", Description: "tracking number for my parcel", Resolution: &store.Resolution{FAQ: &faq.ID}},
		{Title: "Courier", Description: "courier tracking", Resolution: &store.Resolution{FAQ: &faq.ID}},
		{Title: "Old", Description: "answered by an FAQ since deleted", Resolution: &store.Resolution{FAQ: &gone}},
	} {
		tk.Status, tk.Server, tk.Tags = store.StatusComplete, central.ID, []string{}
		if err := e.Store.InsertTicket(c, &tk); err != nil {
			t.Fatal(err)
		}
	}
	rep := decode[faqs.CalibrationReport](t, must(t, e.Run("faq", "calibrate", "--dry-run", "-o", "json"), "calibrate history").Out)
	if rep.Queries != 2 || rep.Top1 != 1 || rep.Source != "tickets resolved with an FAQ" {
		t.Errorf("from history: %+v", rep)
	}
}

// TestFAQResolutionNotifiesRequester: with triage.faq-notify-channel set,
// the requester of a ticket the faq strategy resolves is sent the answer
// through the notification outbox.
func TestFAQResolutionNotifiesRequester(t *testing.T) {
	e := newEnv(t)
	c := ctxT(t)
	var mu sync.Mutex
	var bodies []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
	}))
	defer hook.Close()
	must(t, e.Run("config", "set", "notify.channels.requesters.type", "webhook"), "channel type")
	must(t, e.Run("config", "set", "notify.channels.requesters.url", hook.URL+"/hook"), "channel url")
	must(t, e.Run("config", "set", "triage.faq-notify-channel", "requesters"), "faq channel")
	must(t, e.RunStdin(catalogue, "faq", "import", "-"), "import")
	e.Login("ada", store.RoleAdmin, "acme")
	must(t, e.RunStdin(labelled, "faq", "calibrate", "--queries", "-"), "calibrate")

	carl := store.Account{Name: "Carl", Username: "carl", Email: "carl@example.com", Type: "personal", Role: store.RoleCustomer}
	if err := e.Store.InsertAccount(c, &carl); err != nil {
		t.Fatal(err)
	}
	central, _ := e.Store.CentralServer(c)
	tk := store.Ticket{Title: "Forgot my password", Description: "I need a password reset link to sign in", Tags: []string{},
		Status: store.StatusNotStarted, Server: central.ID, Requester: &carl.ID}
	if err := e.Store.InsertTicket(c, &tk); err != nil {
		t.Fatal(err)
	}
	s := decode[runSummary](t, must(t, e.Run("distribute", "auto", "--strategy", "faq", "--yes", "-o", "json"), "auto").Out)
	if s.Resolved != 1 || s.Failed != 0 {
		t.Fatalf("auto: %+v", s)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 1 || !strings.Contains(bodies[0], "Forgot password link") || !strings.Contains(bodies[0], tk.ID.Hex()) {
		t.Fatalf("webhook received %d bodies: %q", len(bodies), bodies)
	}
	ns := decode[[]store.Notification](t, must(t, e.Run("notify", "list", "--ticket", tk.ID.Hex(), "-o", "json"), "notify list").Out)
	if len(ns) != 1 || ns[0].Status != store.NotifySent {
		t.Fatalf("outbox: %+v", ns)
	}
}

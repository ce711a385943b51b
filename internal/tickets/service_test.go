package tickets_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/store/storetest"
	"github.com/ticketctl/ticketctl/internal/tickets"
)

type world struct {
	st       *store.Store
	svc      *tickets.Service
	central  store.Server
	employee auth.Principal
	customer auth.Principal
	other    auth.Principal
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st := storetest.OpenWithIndexes(t)
	c := ctx(t)
	central, _, err := st.EnsureCentralServer(c, "central", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	w := &world{st: st, svc: tickets.New(st, nil), central: central}
	for _, a := range []struct {
		p    *auth.Principal
		name string
		role string
	}{{&w.employee, "emma", store.RoleEmployee}, {&w.customer, "carl", store.RoleCustomer}, {&w.other, "olga", store.RoleCustomer}} {
		acc := store.Account{Name: a.name, Username: a.name, Role: a.role, Type: "personal"}
		if err := st.InsertAccount(c, &acc); err != nil {
			t.Fatal(err)
		}
		*a.p = auth.Principal{ID: acc.ID, Username: acc.Username, Role: acc.Role}
	}
	return w
}

func (w *world) create(t *testing.T, p auth.Principal, title string, tags ...string) store.Ticket {
	t.Helper()
	tk, err := w.svc.Create(ctx(t), p, tickets.NewTicket{Title: title, Description: "details of " + title, Tags: tags})
	if err != nil {
		t.Fatalf("create %q: %v", title, err)
	}
	return tk
}

func (w *world) list(t *testing.T, p auth.Principal, f store.TicketFilter) []store.Ticket {
	t.Helper()
	seq, err := w.svc.List(ctx(t), p, store.TicketQuery{Filter: f})
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Ticket
	for tk, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tk)
	}
	return out
}

func TestCreateSetsTheBriefsDefaults(t *testing.T) {
	w := newWorld(t)
	tk := w.create(t, w.customer, "  Card declined ", "Billing", "billing", "refund")
	got, err := w.st.GetTicket(ctx(t), tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Card declined" || got.Status != store.StatusNotStarted || got.Server != w.central.ID ||
		got.Version != 1 || *got.Requester != w.customer.ID || strings.Join(got.Tags, ",") != "billing,refund" {
		t.Fatalf("stored ticket: %+v", got)
	}
	evs, _ := w.st.TicketEvents(ctx(t), tk.ID)
	if len(evs) != 1 || evs[0].Action != tickets.ActionCreate || evs[0].Actor != "carl" {
		t.Fatalf("events: %+v", evs)
	}
	_, err = w.svc.Create(ctx(t), w.customer, tickets.NewTicket{Title: "x", Description: "y", Priority: "P1"})
	if !errors.Is(err, fault.ErrDenied) {
		t.Fatalf("customer setting priority: %v, want ErrDenied", err)
	}
}

func TestSetStatusWithoutExpectIsIdempotent(t *testing.T) {
	w := newWorld(t)
	c := ctx(t)
	tk := w.create(t, w.customer, "status")
	ch, err := w.svc.SetStatus(c, w.employee, tk.ID, "in progress", "on it", nil)
	if err != nil || !ch.Changed || ch.From != "not started" || ch.To != "in progress" || ch.Ticket.Version != 2 {
		t.Fatalf("first change: %+v %v", ch, err)
	}
	ch, err = w.svc.SetStatus(c, w.employee, tk.ID, "in-progress", "", nil)
	if err != nil || ch.Changed || ch.Ticket.Version != 2 {
		t.Fatalf("same status again: %+v %v", ch, err)
	}
	stale := int64(1)
	if _, err := w.svc.SetStatus(c, w.employee, tk.ID, "complete", "", &stale); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale expect: %v, want ErrConflict", err)
	}
	if _, err := w.svc.SetStatus(c, w.customer, tk.ID, "complete", "", nil); !errors.Is(err, fault.ErrDenied) {
		t.Fatalf("customer changing status: %v, want ErrDenied", err)
	}
	if _, err := w.svc.SetStatus(c, w.employee, bson.NewObjectID(), "complete", "", nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing ticket: %v, want ErrNotFound", err)
	}
	evs, _ := w.st.TicketEvents(c, tk.ID)
	if len(evs) != 2 || evs[1].Note != "on it" || evs[1].Actor != "emma" {
		t.Fatalf("events: %+v", evs)
	}
}

func TestCustomersSeeOnlyTheirOwn(t *testing.T) {
	w := newWorld(t)
	c := ctx(t)
	mine := w.create(t, w.customer, "mine")
	theirs := w.create(t, w.other, "theirs")
	got := w.list(t, w.customer, store.TicketFilter{})
	if len(got) != 1 || got[0].ID != mine.ID {
		t.Fatalf("customer list: %+v", got)
	}
	if n := len(w.list(t, w.employee, store.TicketFilter{})); n != 2 {
		t.Fatalf("employee sees %d tickets, want 2", n)
	}
	if _, err := w.svc.Get(c, w.customer, theirs.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("customer get of another's ticket: %v, want not found", err)
	}
	if _, err := w.svc.History(c, w.customer, theirs.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("customer history of another's ticket: %v, want not found", err)
	}
	other := w.other.ID
	if _, err := w.svc.List(c, w.customer, store.TicketQuery{Filter: store.TicketFilter{Requester: &other}}); !errors.Is(err, fault.ErrDenied) {
		t.Fatalf("customer listing another requester: %v, want denied", err)
	}
}

func TestTagAddsRemovesAtomically(t *testing.T) {
	w := newWorld(t)
	c := ctx(t)
	tk := w.create(t, w.customer, "tags", "billing", "urgent")
	ch, err := w.svc.Tag(c, w.employee, tk.ID, []string{"Refund", "billing"}, []string{"urgent"}, nil)
	if err != nil || !ch.Changed || ch.To != "billing,refund" || ch.Ticket.Version != 2 {
		t.Fatalf("tag: %+v %v", ch, err)
	}
	ch, err = w.svc.Tag(c, w.employee, tk.ID, []string{"billing"}, nil, nil)
	if err != nil || ch.Changed {
		t.Fatalf("no-op tag: %+v %v", ch, err)
	}
	if _, err := w.svc.Tag(c, w.employee, tk.ID, []string{"a"}, []string{"a"}, nil); !errors.Is(err, fault.ErrInvalid) {
		t.Fatalf("add and remove the same tag: %v", err)
	}
	many := make([]string, 19)
	for i := range many {
		many[i] = fmt.Sprintf("t%d", i)
	}
	if _, err := w.svc.Tag(c, w.employee, tk.ID, many, nil, nil); !errors.Is(err, fault.ErrInvalid) {
		t.Fatalf("21 tags: %v, want invalid", err)
	}
	evs, _ := w.st.TicketEvents(c, tk.ID)
	if last := evs[len(evs)-1]; last.Action != tickets.ActionTag || last.Note != "+refund -urgent" || last.From != "billing,urgent" {
		t.Fatalf("tag event: %+v", last)
	}
}

func TestDeleteOnlyCompleteUnlessForcedAndEventSurvives(t *testing.T) {
	w := newWorld(t)
	c := ctx(t)
	open := w.create(t, w.customer, "open")
	done := w.create(t, w.customer, "done")
	if _, err := w.svc.SetStatus(c, w.employee, done.ID, "complete", "", nil); err != nil {
		t.Fatal(err)
	}
	missing := bson.NewObjectID()
	res, err := w.svc.Delete(c, w.employee, []bson.ObjectID{open.ID, done.ID, missing}, tickets.DeleteOptions{})
	if !errors.Is(err, fault.ErrPartial) || len(res) != 3 || res[0].Result != tickets.ResultFailed ||
		res[1].Result != tickets.ResultDeleted || res[2].Result != tickets.ResultFailed {
		t.Fatalf("delete: %+v %v", res, err)
	}
	if _, err := w.st.GetTicket(c, open.ID); err != nil {
		t.Fatalf("open ticket was deleted: %v", err)
	}
	res, err = w.svc.Delete(c, w.employee, []bson.ObjectID{open.ID}, tickets.DeleteOptions{Force: true, DryRun: true})
	if err != nil || res[0].Result != tickets.ResultWouldDelete {
		t.Fatalf("dry run: %+v %v", res, err)
	}
	if _, err := w.st.GetTicket(c, open.ID); err != nil {
		t.Fatalf("dry run deleted: %v", err)
	}
	if _, err := w.svc.Delete(c, w.employee, []bson.ObjectID{open.ID}, tickets.DeleteOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	evs, err := w.svc.History(c, w.employee, done.ID)
	if err != nil || len(evs) != 3 || evs[2].Action != tickets.ActionDelete || evs[2].From != "complete" {
		t.Fatalf("history after delete: %+v %v", evs, err)
	}
	if _, err := w.svc.History(c, w.employee, missing); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("history of a ticket that never existed: %v", err)
	}
	if _, err := w.svc.Delete(c, w.customer, []bson.ObjectID{done.ID}, tickets.DeleteOptions{}); !errors.Is(err, fault.ErrDenied) {
		t.Fatalf("customer delete: %v", err)
	}
}

// TestForeignDocumentsReadListUpdateExport inserts tickets as a Node
// backend writes them (brief's schema: no version, status with spaces,
// server ObjectId, created_at date, no tags) and checks that every
// operation handles them.
func TestForeignDocumentsReadListUpdateExport(t *testing.T) {
	w := newWorld(t)
	c := ctx(t)
	id := bson.NewObjectID()
	doc := fmt.Sprintf(`{"_id":{"$oid":"%s"},"title":"Legacy ticket","description":"written by express",
		"tags":["Billing"],"created_at":{"$date":"2025-08-16T00:45:47.123Z"},"status":"in progress",
		"server":{"$oid":"%s"},"__v":0}`, id.Hex(), w.central.ID.Hex())
	if _, err := w.st.InsertTicketJSON(c, []byte(doc)); err != nil {
		t.Fatal(err)
	}
	bare := bson.NewObjectID()
	if _, err := w.st.InsertTicketJSON(c, []byte(fmt.Sprintf(`{"_id":{"$oid":"%s"},"title":"No tags","description":"",
		"created_at":{"$date":"2025-08-17T00:00:00Z"},"status":"not started","server":{"$oid":"%s"}}`, bare.Hex(), w.central.ID.Hex()))); err != nil {
		t.Fatal(err)
	}
	got := w.list(t, w.employee, store.TicketFilter{Statuses: []string{store.StatusInProgress}, Server: &w.central.ID,
		CreatedBefore: time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)})
	if len(got) != 1 || got[0].ID != id || got[0].Version != 0 || got[0].CreatedAt.Year() != 2025 {
		t.Fatalf("list of foreign doc: %+v", got)
	}
	all := w.list(t, w.employee, store.TicketFilter{})
	if len(all) != 2 || all[1].Tags == nil {
		t.Fatalf("tags of a document without tags must list as []: %+v", all)
	}
	ch, err := w.svc.SetStatus(c, w.employee, id, "complete", "closing legacy", nil)
	if err != nil || ch.Ticket.Version != 1 || ch.From != "in progress" {
		t.Fatalf("status of foreign doc: %+v %v", ch, err)
	}
	if _, err := w.svc.Tag(c, w.employee, bare, []string{"app"}, nil, nil); err != nil {
		t.Fatalf("tag foreign doc without tags: %v", err)
	}
	seq, err := w.svc.Export(c, w.employee, store.TicketQuery{Filter: store.TicketFilter{IDs: []bson.ObjectID{id}}}, false)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for b, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	if len(lines) != 1 {
		t.Fatalf("export: %q", lines)
	}
	for _, want := range []string{`"_id":{"$oid":"` + id.Hex() + `"}`, `"created_at":{"$date":"2025-08-16T00:45:47.123Z"}`,
		`"status":"complete"`, `"version":1`, `"server":{"$oid":"` + w.central.ID.Hex() + `"}`, `"__v":0`, `"tags":["Billing"]`} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("export %s lacks %s", lines[0], want)
		}
	}
}

func TestImportValidatesEverythingFirst(t *testing.T) {
	w := newWorld(t)
	c := ctx(t)
	existing := w.create(t, w.customer, "already here")
	dupID := bson.NewObjectID().Hex()
	input := strings.Join([]string{
		`{"title":"ok one","description":"d","tags":["A"],"status":"not-started"}`,
		`{"_id":{"$oid":"` + dupID + `"},"title":"ok two","description":"d","status":"in progress","created_at":{"$date":"2026-01-02T03:04:05Z"}}`,
		``,
		`{"title":"","description":"empty title"}`,
		`not json at all`,
		`{"title":"bad status","description":"d","status":"done"}`,
		`{"_id":{"$oid":"` + dupID + `"},"title":"dup in file","description":"d"}`,
		`{"_id":{"$oid":"` + existing.ID.Hex() + `"},"title":"exists","description":"d"}`,
		`{"title":"bad server","description":"d","server":{"$oid":"` + bson.NewObjectID().Hex() + `"}}`,
		`{"title":"bad tag","description":"d","tags":["no spaces"]}`,
		`{"title":"number title","description":"d","version":"x"}`,
		`{"title":"extra field","description":"d","assignee":"bob"}`,
	}, "\n")
	rep, err := w.svc.Import(c, w.employee, strings.NewReader(input), tickets.ImportOptions{Source: "t.ndjson"})
	if !errors.Is(err, fault.ErrInvalid) {
		t.Fatalf("import with invalid lines: %v, want ErrInvalid", err)
	}
	wantLines := map[int]string{4: "title is empty", 5: "not a JSON object", 6: "unknown status", 7: "appears twice (first on line 2)",
		8: "exists already", 9: "does not exist", 10: "tag", 11: "version"}
	if len(rep.Errors) != len(wantLines) {
		t.Fatalf("errors: %+v", rep.Errors)
	}
	for _, e := range rep.Errors {
		if !strings.Contains(e.Error, wantLines[e.Line]) {
			t.Errorf("line %d: %q, want it to contain %q", e.Line, e.Error, wantLines[e.Line])
		}
	}
	if rep.Records != 11 || rep.Imported != 0 || rep.Conflicts != 1 || rep.Invalid != 7 || strings.Join(rep.IgnoredFields, ",") != "assignee" {
		t.Fatalf("report: %+v", rep)
	}
	if n, _ := w.st.CountTickets(c, store.TicketFilter{}); n != 1 {
		t.Fatalf("%d tickets after a refused import, want 1", n)
	}

	rep, err = w.svc.Import(c, w.employee, strings.NewReader(input), tickets.ImportOptions{SkipInvalid: true, DryRun: true})
	if err != nil || rep.Valid != 3 || rep.Imported != 0 {
		t.Fatalf("dry run: %+v %v", rep, err)
	}
	rep, err = w.svc.Import(c, w.employee, strings.NewReader(input), tickets.ImportOptions{SkipInvalid: true})
	if err != nil || rep.Imported != 3 {
		t.Fatalf("skip invalid: %+v %v", rep, err)
	}
	id, _ := bson.ObjectIDFromHex(dupID)
	got, err := w.st.GetTicket(c, id)
	if err != nil || got.Status != store.StatusInProgress || got.CreatedAt.Format(time.RFC3339) != "2026-01-02T03:04:05Z" ||
		got.Server != w.central.ID || got.Version != 1 {
		t.Fatalf("imported ticket: %+v %v", got, err)
	}

	// Re-running: every id now exists. Conflicts are exit 5 and change
	// nothing; --skip-existing makes the re-run a no-op.
	again := `{"_id":{"$oid":"` + dupID + `"},"title":"changed title","description":"d"}`
	if _, err := w.svc.Import(c, w.employee, strings.NewReader(again), tickets.ImportOptions{}); !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("re-import: %v, want ErrConflict", err)
	}
	rep, err = w.svc.Import(c, w.employee, strings.NewReader(again), tickets.ImportOptions{SkipExisting: true})
	if err != nil || rep.SkippedExisting != 1 || rep.Imported != 0 {
		t.Fatalf("skip existing: %+v %v", rep, err)
	}
	if got, _ := w.st.GetTicket(c, id); got.Title != "ok two" {
		t.Fatalf("an import overwrote a ticket: %q", got.Title)
	}
	if _, err := w.svc.Import(c, w.customer, strings.NewReader(again), tickets.ImportOptions{}); !errors.Is(err, fault.ErrDenied) {
		t.Fatalf("customer import: %v", err)
	}
}

// TestExportImportRoundTrip exports tickets, imports them into an empty
// database, and exports again: the two exports are identical.
func TestExportImportRoundTrip(t *testing.T) {
	w := newWorld(t)
	c := ctx(t)
	for i := range 5 {
		tk := w.create(t, w.customer, fmt.Sprintf("ticket %d", i), "billing")
		if i%2 == 0 {
			if _, err := w.svc.SetStatus(c, w.employee, tk.ID, "in progress", "", nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	export := func(w *world) string {
		seq, err := w.svc.Export(c, w.employee, store.TicketQuery{}, false)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		for d, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			b.Write(d)
			b.WriteByte('\n')
		}
		return b.String()
	}
	first := export(w)
	t.Run("into another database", func(t *testing.T) {
		w2 := newWorld(t)
		// The central server differs between databases: point the export
		// at the new one, as an operator moving data would.
		in := strings.ReplaceAll(first, w.central.ID.Hex(), w2.central.ID.Hex())
		rep, err := w2.svc.Import(c, w2.employee, strings.NewReader(in), tickets.ImportOptions{})
		if err != nil || rep.Imported != 5 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		second := strings.ReplaceAll(export(w2), w2.central.ID.Hex(), w.central.ID.Hex())
		if first != second {
			t.Fatalf("round trip differs:\n%s\n---\n%s", first, second)
		}
	})
}

func TestImportBatchesAcrossMaxBatch(t *testing.T) {
	w := newWorld(t)
	c := ctx(t)
	n := w.st.Capabilities().MaxBatch + 7
	var b strings.Builder
	b.WriteString("[\n")
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"title":"bulk %d","description":"d"}`, i)
	}
	b.WriteString("\n]\n")
	rep, err := w.svc.Import(c, w.employee, strings.NewReader(b.String()), tickets.ImportOptions{})
	if err != nil || rep.Imported != n {
		t.Fatalf("import of %d: %+v %v", n, rep, err)
	}
	if got, _ := w.st.CountTickets(c, store.TicketFilter{}); got != int64(n) {
		t.Fatalf("%d stored, want %d", got, n)
	}
}

package faqs

import (
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/store"
)

func TestValidate(t *testing.T) {
	ok := NewFAQ{Key: "refund.policy:v2", Question: "  Can I get a refund?  ", Answer: "Yes.\r\nWithin 30 days.", Tags: []string{"Billing, money"}}
	f, err := Validate(ok)
	if err != nil || f.Question != "Can I get a refund?" || f.Answer != "Yes.\nWithin 30 days." || strings.Join(f.Tags, ",") != "billing,money" {
		t.Fatalf("Validate = %+v, %v", f, err)
	}
	for name, in := range map[string]NewFAQ{
		"empty question":      {Question: " ", Answer: "a"},
		"two-line question":   {Question: "a\nb", Answer: "a"},
		"empty answer":        {Question: "q", Answer: ""},
		"escape in answer":    {Question: "q", Answer: "a\x1b[2J"},
		"key with a space":    {Key: "a b", Question: "q", Answer: "a"},
		"key that is an id":   {Key: bson.NewObjectID().Hex(), Question: "q", Answer: "a"},
		"tag with a space":    {Question: "q", Answer: "a", Tags: []string{"two words"}},
		"question too long":   {Question: strings.Repeat("x", MaxQuestion+1), Answer: "a"},
		"key starting with -": {Key: "-x", Question: "q", Answer: "a"},
	} {
		if _, err := Validate(in); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestReadCSV(t *testing.T) {
	in := "\ufeffQuestion,Answer,Tags,Category\n" +
		"\"How do I pay?\",\"By card,\nor by transfer.\",billing;cards,Money Matters\n" +
		"Short,Yes,,\n"
	recs, err := readFAQRecords(strings.NewReader(in), FormatAuto)
	if err != nil || len(recs) != 2 {
		t.Fatalf("records %+v, %v", recs, err)
	}
	r := recs[0]
	if r.line != 2 || r.faq.Question != "How do I pay?" || r.faq.Answer != "By card,\nor by transfer." ||
		strings.Join(r.faq.Tags, "|") != "billing|cards|money-matters" {
		t.Errorf("first record %+v", r)
	}
	if recs[1].line != 4 {
		t.Errorf("second record starts on line %d, want 4 (the first spans two)", recs[1].line)
	}
	if _, err := readFAQRecords(strings.NewReader("a,\"b\n"), FormatCSV); err == nil {
		t.Error("broken quote accepted")
	}
}

func TestFingerprintChangesWithTheSet(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := store.FAQ{ID: bson.NewObjectID(), UpdatedAt: t0}
	b := store.FAQ{ID: bson.NewObjectID(), UpdatedAt: t0}
	base := Fingerprint([]store.FAQ{a, b})
	if Fingerprint([]store.FAQ{b, a}) != base {
		t.Error("order matters")
	}
	// Sub-millisecond differences vanish in BSON dates and must not count.
	a2 := a
	a2.UpdatedAt = t0.Add(time.Microsecond)
	if Fingerprint([]store.FAQ{a2, b}) != base {
		t.Error("a sub-millisecond change counts")
	}
	a2.UpdatedAt = t0.Add(time.Second)
	if Fingerprint([]store.FAQ{a2, b}) == base || Fingerprint([]store.FAQ{a}) == base {
		t.Error("an edit or a deletion does not change the fingerprint")
	}
}

func TestMeasureCountsUnanswerableQueriesAgainstPrecision(t *testing.T) {
	fs := []store.FAQ{
		{ID: bson.NewObjectID(), Key: "refund", Question: "How do I get a refund?", Answer: "Refunds take 5 days."},
		{ID: bson.NewObjectID(), Key: "password", Question: "How do I reset my password?", Answer: "Use the reset link."},
	}
	m, err := NewMatcher(fs)
	if err != nil {
		t.Fatal(err)
	}
	qs := []LabelledQuery{{Text: "refund please", FAQ: "refund"}, {Text: "reset password", FAQ: "password"}, {Text: "refund my coffee mug design"}}
	kept, gold, err := goldIDs(fs, qs, false)
	if err != nil || len(kept) != 3 || !gold[2].IsZero() {
		t.Fatalf("goldIDs: %v %v", gold, err)
	}
	rep := measure(m, kept, gold)
	if rep.Answerable != 2 || rep.Top1 != 1 || rep.MRR != 1 {
		t.Errorf("report %+v", rep)
	}
	// At threshold 0 every query is covered, the unanswerable one wrongly.
	if p := rep.Curve[0]; p.Covered != 3 || p.Precision > 0.67 {
		t.Errorf("threshold 0: %+v", p)
	}
	if _, _, err := goldIDs(fs, []LabelledQuery{{Text: "x", FAQ: "nope"}}, false); err == nil {
		t.Error("unknown FAQ accepted")
	}
	if kept, _, err := goldIDs(fs, []LabelledQuery{{Text: "x", FAQ: "nope"}}, true); err != nil || len(kept) != 0 {
		t.Errorf("skip unknown: %v %v", kept, err)
	}
}

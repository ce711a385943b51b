package faqs

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
)

// Import formats.
const (
	FormatAuto   = "auto"
	FormatCSV    = "csv"
	FormatNDJSON = "ndjson"
)

// ImportOptions tune Import.
type ImportOptions struct {
	Source string
	Format string // FormatAuto (default), FormatCSV or FormatNDJSON (also a JSON array)
	DryRun bool
	// SkipInvalid imports the valid records even when others are invalid;
	// without it one bad record means nothing is imported.
	SkipInvalid bool
}

// LineError is one record that was not imported.
type LineError struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// ImportReport says what an import did (or, with DryRun, would do).
type ImportReport struct {
	Source   string      `json:"source"`
	DryRun   bool        `json:"dry_run"`
	Records  int         `json:"records"`
	Valid    int         `json:"valid"`
	Inserted int         `json:"inserted"`
	Updated  int         `json:"updated"`
	Invalid  int         `json:"invalid"`
	Errors   []LineError `json:"errors"`
}

type record struct {
	line int
	faq  NewFAQ
	err  error
}

// Import reads FAQs from CSV (a header row naming the columns) or from
// NDJSON / a JSON array of {key, question, answer, tags}, validates them
// all, then stores them: a record with a key replaces the FAQ with that
// key (so importing twice changes nothing), one without is added.
//
// CSV columns: question (or title), answer (or response), tags (separated
// by , ; or |), key, category (added as a tag). A file with an intent
// column and no question column — the shape of intent-labelled support
// datasets — uses the intent as key and, with _ read as a space, as the
// question.
func (s *Service) Import(ctx context.Context, p auth.Principal, r io.Reader, o ImportOptions) (ImportReport, error) {
	rep := ImportReport{Source: o.Source, DryRun: o.DryRun, Errors: []LineError{}}
	if err := auth.Require(p, store.RoleEmployee); err != nil {
		return rep, err
	}
	recs, err := readFAQRecords(r, o.Format)
	if err != nil {
		return rep, err
	}
	var ok []store.FAQ
	seenKey := map[string]int{}
	for _, rec := range recs {
		rep.Records++
		err := rec.err
		var f store.FAQ
		if err == nil {
			f, err = Validate(rec.faq)
		}
		if err == nil && f.Key != "" {
			if first, dup := seenKey[f.Key]; dup {
				err = fmt.Errorf("key %q appears twice (first on line %d)", f.Key, first)
			}
			seenKey[f.Key] = rec.line
		}
		if err != nil {
			rep.Invalid++
			rep.Errors = append(rep.Errors, LineError{Line: rec.line, Error: err.Error()})
			continue
		}
		ok = append(ok, f)
	}
	rep.Valid = len(ok)
	if rep.Invalid > 0 && !o.SkipInvalid {
		return rep, fault.WithHint(fault.Invalid("%d of %d records are invalid: nothing imported", rep.Invalid, rep.Records),
			"fix the lines listed, or pass --skip-invalid to import the valid records")
	}
	if o.DryRun {
		return rep, nil
	}
	now := s.Now()
	for i := range ok {
		f := &ok[i]
		f.CreatedBy, f.CreatedAt, f.UpdatedAt = p.Username, now, now
		if f.Key == "" {
			if err := s.St.InsertFAQ(ctx, f); err != nil {
				return rep, fmt.Errorf("after %d imported: %w", rep.Inserted+rep.Updated, err)
			}
			rep.Inserted++
			continue
		}
		created, err := s.St.UpsertFAQByKey(ctx, f, now)
		if err != nil {
			return rep, fmt.Errorf("after %d imported: %w", rep.Inserted+rep.Updated, err)
		}
		if created {
			rep.Inserted++
		} else {
			rep.Updated++
		}
	}
	if rep.Inserted+rep.Updated == 0 {
		return rep, nil
	}
	src := o.Source
	if src == "" {
		src = "stdin"
	}
	return rep, s.St.InsertEvent(ctx, &store.Event{At: now, Actor: p.Username, Action: ActionImport, Subject: "faqs",
		Note: fmt.Sprintf("%d added, %d updated from %s", rep.Inserted, rep.Updated, truncate(src, 200))})
}

// readFAQRecords reads every record; a record that cannot be decoded
// carries its error so the report names its line.
func readFAQRecords(r io.Reader, format string) ([]record, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if format == "" || format == FormatAuto {
		format = FormatCSV
		if b, err := peekNonSpace(br); err == nil && (b == '{' || b == '[') {
			format = FormatNDJSON
		}
	}
	switch format {
	case FormatCSV:
		return readCSV(br)
	case FormatNDJSON:
		return readJSON(br)
	}
	return nil, fault.Invalid("unknown format %q: valid formats are auto, csv, ndjson", format)
}

func peekNonSpace(br *bufio.Reader) (byte, error) {
	for n := 1; ; n++ {
		b, err := br.Peek(n)
		if err != nil {
			return 0, err
		}
		c := b[n-1]
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != 0xef && c != 0xbb && c != 0xbf {
			return c, nil
		}
	}
}

func readCSV(r io.Reader) ([]record, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		return nil, fault.Invalid("CSV header: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	pick := func(names ...string) int {
		for _, n := range names {
			if i, ok := col[n]; ok {
				return i
			}
		}
		return -1
	}
	qCol, aCol := pick("question", "title"), pick("answer", "response")
	intentCol := pick("intent")
	keyCol, tagsCol, catCol := pick("key"), pick("tags"), pick("category")
	if qCol < 0 && intentCol < 0 || aCol < 0 {
		return nil, fault.Invalid("CSV header %q: need a question (or title, or intent) column and an answer (or response) column",
			strings.Join(header, ","))
	}
	var out []record
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			// A broken quote cannot be resumed: the rest of the file
			// would be read off by one field.
			return out, fault.Invalid("CSV: %v", err)
		}
		line, _ := cr.FieldPos(0)
		get := func(i int) string {
			if i < 0 || i >= len(row) {
				return ""
			}
			return row[i]
		}
		f := NewFAQ{Question: get(qCol), Answer: get(aCol), Key: get(keyCol)}
		if intent := strings.TrimSpace(get(intentCol)); intent != "" {
			if f.Key == "" {
				f.Key = intent
			}
			if qCol < 0 {
				f.Question = strings.ReplaceAll(intent, "_", " ")
			}
		}
		if tags := get(tagsCol); tags != "" {
			f.Tags = strings.FieldsFunc(tags, func(r rune) bool { return r == ',' || r == ';' || r == '|' })
		}
		if cat := strings.TrimSpace(get(catCol)); cat != "" {
			f.Tags = append(f.Tags, strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(cat, "_", " "))), "-"))
		}
		out = append(out, record{line: line, faq: f})
	}
}

// jsonFAQ is one JSON record; the bookkeeping fields of `faq list -o json`
// are accepted and ignored so an export imports back.
type jsonFAQ struct {
	NewFAQ
	ID        json.RawMessage `json:"_id"`
	CreatedAt json.RawMessage `json:"created_at"`
	UpdatedAt json.RawMessage `json:"updated_at"`
	CreatedBy json.RawMessage `json:"created_by"`
}

func decodeFAQ(b []byte) (NewFAQ, error) {
	var j jsonFAQ
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return NewFAQ{}, fmt.Errorf("want a JSON object with key, question, answer, tags: %v", err)
	}
	return j.NewFAQ, nil
}

func readJSON(br *bufio.Reader) ([]record, error) {
	if b, err := peekNonSpace(br); err == nil && b == '[' {
		var raw []json.RawMessage
		if err := json.NewDecoder(br).Decode(&raw); err != nil {
			return nil, fault.Invalid("JSON array: %v", err)
		}
		out := make([]record, len(raw))
		for i, m := range raw {
			f, err := decodeFAQ(m)
			out[i] = record{line: i + 1, faq: f, err: err}
		}
		return out, nil
	}
	var out []record
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
		}
		if len(b) == 0 {
			continue
		}
		f, err := decodeFAQ(b)
		out = append(out, record{line: line, faq: f, err: err})
	}
	if err := sc.Err(); err != nil {
		return out, fault.Invalid("line %d: %v", line+1, err)
	}
	return out, nil
}

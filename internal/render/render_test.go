package render_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketctl/ticketctl/internal/iostreams"
	"github.com/ticketctl/ticketctl/internal/render"
)

var update = flag.Bool("update", false, "rewrite golden files")

type rec struct {
	ID      string    `json:"_id"`
	Title   string    `json:"title"`
	Tags    []string  `json:"tags"`
	Created time.Time `json:"created_at"`
}

var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

var recSpec = render.Spec[rec]{
	Headers: []string{"ID", "TITLE", "TAGS", "CREATED"},
	Row: func(r rec, f render.Formatter) []string {
		return []string{r.ID, f.Truncate(r.Title, 30), f.List(r.Tags), f.Time(r.Created)}
	},
	ID: func(r rec) string { return r.ID },
}

var records = []rec{
	{"6650a1b2c3d4e5f601234567", "Card declined", []string{"billing", "card"}, now.Add(-3 * time.Hour)},
	{"6650a1b2c3d4e5f601234568", "Evil \x1b[31mred\x1b[0m title\nwith newline", nil, now.Add(-49 * time.Hour)},
	{"6650a1b2c3d4e5f601234569", "A very long title that goes on and on and on", []string{"login"}, now.Add(-90 * time.Second)},
	{"6650a1b2c3d4e5f60123456a", "Fries <cold> & soggy", []string{"food"}, now.Add(-26 * time.Hour)},
}

func golden(t *testing.T, got string) {
	t.Helper()
	path := filepath.Join("testdata", strings.ReplaceAll(t.Name(), "/", "_")+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update): %v", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

func TestList(t *testing.T) {
	tests := []struct {
		name      string
		format    string
		jq        string
		tty       bool
		noHeaders bool
	}{
		{name: "table_tty", format: "table", tty: true},
		{name: "table_pipe", format: "table"},
		{name: "table_no_headers", format: "table", noHeaders: true},
		{name: "json", format: "json"},
		{name: "ndjson", format: "ndjson"},
		{name: "ids", format: "ids"},
		{name: "jq_json", format: "json", jq: `.[] | select(.tags | index("login")) | ._id`},
		{name: "jq_default_format", jq: `map(.title) | length`},
		{name: "jq_ndjson", format: "ndjson", jq: `{id: ._id, n: (.tags | length)}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			ios.SetStdoutTTY(tc.tty)
			o := render.Options{Format: tc.format, JQ: tc.jq, NoHeaders: tc.noHeaders}
			if err := o.Validate(); err != nil {
				t.Fatal(err)
			}
			p := render.New(ios, o, func() time.Time { return now })
			if err := render.List(p, recSpec, render.Slice(records)); err != nil {
				t.Fatal(err)
			}
			golden(t, out.String())
			if strings.Contains(out.String(), "\x1b") && tc.format == "table" {
				t.Error("raw escape character reached the table")
			}
		})
	}
}

func TestOneJSONIsObject(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	o := render.Options{Format: "json"}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := render.One(render.New(ios, o, nil), recSpec, records[0]); err != nil {
		t.Fatal(err)
	}
	golden(t, out.String())
}

func TestValidate(t *testing.T) {
	tests := []struct {
		format, jq string
		wantErr    string
	}{
		{"yaml", "", `unknown output format "yaml": valid formats are table, json, ndjson, ids`},
		{"json", ".[", "--jq"},
		{"", "", ""},
		{"ndjson", ".title", ""},
	}
	for _, tc := range tests {
		o := render.Options{Format: tc.format, JQ: tc.jq}
		err := o.Validate()
		if tc.wantErr == "" {
			if err != nil {
				t.Errorf("%q/%q: %v", tc.format, tc.jq, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%q/%q: got %v, want %q", tc.format, tc.jq, err, tc.wantErr)
		}
	}
}

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a\x1b[2Jb", `a\x1b[2Jb`},
		{"line\r\nnext", `line\r\nnext`},
		{"bad\xffutf8", "bad\ufffdutf8"},
		{"rtl\u202eoverride", `rtl\u202eoverride`},
		{"ünïcødé ✓", "ünïcødé ✓"},
	}
	for _, tc := range tests {
		if got := render.Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRelative(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{10 * time.Second, "just now"},
		{5 * time.Minute, "5 minutes ago"},
		{time.Hour, "1 hour ago"},
		{50 * time.Hour, "2 days ago"},
		{-3 * time.Hour, "in 3 hours"},
		{-30 * time.Second, "in less than a minute"},
	}
	for _, tc := range tests {
		if got := render.Relative(now, now.Add(-tc.d)); got != tc.want {
			t.Errorf("Relative(%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/ticketctl/ticketctl/internal/iostreams"
)

// Spec says how one record type looks in a table and as an id.
type Spec[T any] struct {
	Headers []string
	Row     func(v T, f Formatter) []string
	ID      func(v T) string
}

// Printer writes records in the chosen format. Tables are buffered to
// align columns; every other format streams record by record.
type Printer struct {
	io   *iostreams.IOStreams
	opts Options
	now  func() time.Time
}

// New returns a printer for validated options.
func New(s *iostreams.IOStreams, o Options, now func() time.Time) *Printer {
	if now == nil {
		now = time.Now
	}
	return &Printer{io: s, opts: o, now: now}
}

// Format is the effective output format.
func (p *Printer) Format() string { return p.opts.Format }

// List renders every record of seq, stopping at the first error.
func List[T any](p *Printer, spec Spec[T], seq iter.Seq2[T, error]) error {
	w := bufio.NewWriter(p.io.Out)
	defer w.Flush()
	switch p.opts.Format {
	case FormatJSON:
		if p.opts.jq != nil {
			// jq sees the whole array, as `jq` would.
			all := []any{}
			for v, err := range seq {
				if err != nil {
					return err
				}
				all = append(all, v)
			}
			return p.runJQ(w, all)
		}
		if _, err := w.WriteString("["); err != nil {
			return err
		}
		n := 0
		for v, err := range seq {
			if err != nil {
				w.WriteString("]\n")
				return err
			}
			b, err := marshal(v, "")
			if err != nil {
				return err
			}
			if n > 0 {
				w.WriteString(",")
			}
			w.WriteString("\n  ")
			w.Write(b)
			n++
		}
		if n > 0 {
			w.WriteString("\n")
		}
		_, err := w.WriteString("]\n")
		return err
	case FormatNDJSON:
		for v, err := range seq {
			if err != nil {
				return err
			}
			if p.opts.jq != nil {
				if err := p.runJQ(w, v); err != nil {
					return err
				}
				continue
			}
			if err := writeJSONLine(w, v); err != nil {
				return err
			}
		}
		return nil
	case FormatIDs:
		for v, err := range seq {
			if err != nil {
				return err
			}
			fmt.Fprintln(w, spec.ID(v))
		}
		return nil
	default:
		f := Formatter{TTY: p.io.IsStdoutTTY(), Now: p.now()}
		var rows [][]string
		for v, err := range seq {
			if err != nil {
				return err
			}
			rows = append(rows, spec.Row(v, f))
		}
		return p.table(w, spec.Headers, rows)
	}
}

// One renders a single record: an object (not an array) in JSON.
func One[T any](p *Printer, spec Spec[T], v T) error {
	switch p.opts.Format {
	case FormatJSON:
		w := bufio.NewWriter(p.io.Out)
		defer w.Flush()
		if p.opts.jq != nil {
			return p.runJQ(w, v)
		}
		b, err := marshal(v, "  ")
		if err != nil {
			return err
		}
		w.Write(b)
		_, err = w.WriteString("\n")
		return err
	default:
		return List(p, spec, func(yield func(T, error) bool) { yield(v, nil) })
	}
}

// Slice adapts a slice to the iterator List takes.
func Slice[T any](vs []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, v := range vs {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// marshal encodes v without escaping <, > and & (customer text is full of
// them, and \u003c helps no reader), indented when indent is set.
func marshal(v any, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func writeJSONLine(w io.Writer, v any) error {
	b, err := marshal(v, "")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// runJQ feeds v (as plain JSON values) to the compiled --jq program. String
// results print raw, like `gh --jq`, so they can be used in shell loops.
func (p *Printer) runJQ(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var in any
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	it := p.opts.jq.Run(in)
	for {
		out, ok := it.Next()
		if !ok {
			return nil
		}
		if err, isErr := out.(error); isErr {
			return fmt.Errorf("--jq: %w", err)
		}
		if s, isStr := out.(string); isStr {
			if _, err := fmt.Fprintln(w, s); err != nil {
				return err
			}
			continue
		}
		if err := writeJSONLine(w, out); err != nil {
			return err
		}
	}
}

// table writes aligned columns on a terminal and tab-separated values in a
// pipe. Every cell is escaped: ticket text comes from customers.
func (p *Printer) table(w io.Writer, headers []string, rows [][]string) error {
	for _, r := range rows {
		for i := range r {
			r[i] = Escape(r[i])
		}
	}
	if !p.io.IsStdoutTTY() {
		if !p.opts.NoHeaders {
			fmt.Fprintln(w, strings.Join(headers, "\t"))
		}
		for _, r := range rows {
			for i := range r {
				// A tab inside a value would shift every later column.
				r[i] = strings.ReplaceAll(r[i], "\t", " ")
			}
			fmt.Fprintln(w, strings.Join(r, "\t"))
		}
		return nil
	}
	if len(rows) == 0 {
		return nil
	}
	var buf bytes.Buffer
	t := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{
				Separators: tw.SeparatorsNone,
				Lines:      tw.LinesNone,
			},
		})),
		tablewriter.WithConfig(tablewriter.Config{
			Header: tw.CellConfig{
				Formatting: tw.CellFormatting{AutoFormat: tw.Off, AutoWrap: tw.WrapNone},
				Alignment:  tw.CellAlignment{Global: tw.AlignLeft},
				Padding:    tw.CellPadding{Global: tw.Padding{Left: "", Right: "  "}},
			},
			Row: tw.CellConfig{
				Formatting: tw.CellFormatting{AutoWrap: tw.WrapNone},
				Alignment:  tw.CellAlignment{Global: tw.AlignLeft},
				Padding:    tw.CellPadding{Global: tw.Padding{Left: "", Right: "  "}},
			},
		}),
		tablewriter.WithTrimSpace(tw.Off),
	)
	if !p.opts.NoHeaders {
		h := make([]any, len(headers))
		for i, s := range headers {
			h[i] = s
		}
		t.Header(h...)
	}
	for _, r := range rows {
		if err := t.Append(r); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	// The last column's padding would leave trailing blanks on every line.
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if line == "" {
			continue
		}
		if _, err := io.WriteString(w, strings.TrimRight(line, " \n")+"\n"); err != nil {
			return err
		}
	}
	return nil
}

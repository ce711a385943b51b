// Package faq implements `ticketctl faq`: add, list, get, delete, import,
// match and calibrate.
package faq

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/cli/cmdutil"
	"github.com/ticketctl/ticketctl/internal/faqs"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/triage"
)

// KeyMinPrecision is the config key of calibrate's default precision
// target.
const KeyMinPrecision = "triage.faq-min-precision"

// DefaultMinPrecision: an FAQ closes a customer's ticket without a person,
// so auto-resolution is held to a higher bar than routing.
const DefaultMinPrecision = 0.95

// NewCmd returns `ticketctl faq`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "faq <command>",
		Aliases: []string{"faqs"},
		Short:   "Manage FAQs and match tickets against them",
		Long: `FAQs are canned answers (question, answer, tags, optional key). "faq match" ranks
them against a text, a ticket or many queries (BM25 over question, answer and
tags, questions weighted most). The faq strategy of ` + "`distribute plan|auto`" + `
resolves a ticket with its best FAQ on its own only when the match's
confidence clears the threshold "faq calibrate" chose on labelled queries for
high precision (` + KeyMinPrecision + `, default 0.95); until then, and after
any change to the FAQs, it resolves nothing. Employees manage FAQs; storing a
calibration needs an admin.`,
	}
	cmd.AddCommand(newCmdAdd(f), newCmdList(f), newCmdGet(f), newCmdDelete(f), newCmdImport(f), newCmdMatch(f), newCmdCalibrate(f))
	return cmd
}

func session(ctx context.Context, f *cmdutil.Factory, role string) (*faqs.Service, auth.Principal, error) {
	p, st, err := f.Session(ctx, role)
	if err != nil {
		return nil, p, err
	}
	return faqs.New(st, f.Now), p, nil
}

var faqSpec = render.Spec[store.FAQ]{
	Headers: []string{"ID", "KEY", "QUESTION", "TAGS", "UPDATED"},
	Row: func(v store.FAQ, f render.Formatter) []string {
		return []string{v.ID.Hex(), v.Key, f.Truncate(v.Question, 50), f.List(v.Tags), f.Time(v.UpdatedAt)}
	},
	ID: func(v store.FAQ) string { return v.ID.Hex() },
}

// query is one line of --stdin or --queries: a text (or a ticket's title,
// description and tags), an optional id echoed in the result, and for
// calibration the FAQ that answers it.
type query struct {
	ID          json.RawMessage `json:"id"`
	Text        string          `json:"text"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Tags        []string        `json:"tags"`
	FAQ         *string         `json:"faq"`
}

func (q query) text() string {
	if q.Text != "" {
		return q.Text
	}
	return triage.TicketText(q.Title, q.Description, q.Tags)
}

// readQueries yields the NDJSON queries of r, one per non-blank line. A
// line that is not such an object stops the stream with an error naming
// it (exit 2).
func readQueries(r io.Reader, what string) iter.Seq2[query, error] {
	return func(yield func(query, error) bool) {
		sc := bufio.NewScanner(r)
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
			var q query
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&q); err != nil {
				yield(q, fault.Invalid("%s line %d: want a JSON object with text (or title, description, tags) and an optional id: %v", what, line, err))
				return
			}
			if strings.TrimSpace(q.text()) == "" {
				yield(q, fault.Invalid("%s line %d: no text", what, line))
				return
			}
			if !yield(q, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(query{}, fault.Invalid("%s line %d: %v", what, line+1, err))
		}
	}
}

// floatSetting reads a number from the config, def when unset.
func floatSetting(f *cmdutil.Factory, key string, def float64) (float64, error) {
	cfg, err := f.Config()
	if err != nil {
		return 0, err
	}
	v, ok := cfg.Get(key)
	if !ok {
		return def, nil
	}
	switch t := v.(type) {
	case float64:
		return t, nil
	case int:
		return float64(t), nil
	case string:
		x, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err != nil {
			return 0, fault.Invalid("config %s %q: want a number", key, t)
		}
		return x, nil
	}
	return 0, fault.Invalid("config %s %v: want a number", key, v)
}

func f3(x float64) string { return fmt.Sprintf("%.3f", x) }

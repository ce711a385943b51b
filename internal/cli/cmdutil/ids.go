package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/fault"
)

// IDs streams the ids given as arguments; "-" reads one id per line from
// stdin (blank lines and #-comments skipped), so `tickets list -o ids`
// pipes in. Arguments are checked before anything is yielded; a bad line
// on stdin is an error naming its line (exit 2). what names the ids in
// messages, e.g. "ticket id".
func (f *Factory) IDs(args []string, what string) (iter.Seq2[bson.ObjectID, error], error) {
	stdin := false
	var fixed []bson.ObjectID
	for _, a := range args {
		if a == "-" {
			if stdin {
				return nil, fault.Invalid(`"-" given twice`)
			}
			stdin = true
			continue
		}
		id, err := ParseID(what, a)
		if err != nil {
			return nil, err
		}
		fixed = append(fixed, id)
	}
	if stdin && f.IO.IsStdinTTY() {
		return nil, fault.WithHint(fault.Invalid(`"-" reads %ss from stdin, which is a terminal`, what),
			"pipe ids in, e.g. ticketctl tickets list --status complete -o ids | ticketctl tickets delete - --yes")
	}
	if !stdin && len(fixed) == 0 {
		return nil, fault.Invalid("no %ss given", what)
	}
	if stdin {
		if err := f.SpoolStdin(); err != nil {
			return nil, err
		}
	}
	return func(yield func(bson.ObjectID, error) bool) {
		for _, id := range fixed {
			if !yield(id, nil) {
				return
			}
		}
		if !stdin {
			return
		}
		for n := 1; ; n++ {
			line, err := f.IO.ReadLine()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(bson.ObjectID{}, fmt.Errorf("read stdin line %d: %w", n, err))
				return
			}
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			id, err := ParseID(fmt.Sprintf("%s on stdin line %d:", what, n), line)
			if !yield(id, err) || err != nil {
				return
			}
		}
	}, nil
}

// CollectIDs reads every id of IDs, without duplicates, in order; for
// commands that must see all ids before they act (confirmation).
func (f *Factory) CollectIDs(args []string, what string) ([]bson.ObjectID, error) {
	seq, err := f.IDs(args, what)
	if err != nil {
		return nil, err
	}
	var ids []bson.ObjectID
	seen := map[bson.ObjectID]bool{}
	for id, err := range seq {
		if err != nil {
			return nil, err
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, fault.Invalid("no %ss given", what)
	}
	return ids, nil
}

package tickets

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
)

// Outcomes of one ticket in a delete.
const (
	ResultDeleted     = "deleted"
	ResultWouldDelete = "would delete"
	ResultFailed      = "failed"
)

// DeleteResult is what happened to one ticket.
type DeleteResult struct {
	ID     string `json:"id"`
	Title  string `json:"title,omitempty"`
	Status string `json:"status,omitempty"`
	Result string `json:"result"`
	Error  string `json:"error,omitempty"`
}

// DeleteOptions tune Delete.
type DeleteOptions struct {
	// Force deletes tickets that are not complete.
	Force  bool
	DryRun bool
}

// Delete removes tickets, each with a conditional delete on the version it
// read, and records a "ticket.delete" event that outlives the ticket. Only
// complete tickets are deleted unless Force. Every id gets a result; the
// error is nil when all succeeded, the ticket's own error for a single id,
// ErrPartial (exit 7) when some failed.
func (s *Service) Delete(ctx context.Context, p auth.Principal, ids []bson.ObjectID, o DeleteOptions) ([]DeleteResult, error) {
	if err := auth.Require(p, store.RoleEmployee); err != nil {
		return nil, err
	}
	results := make([]DeleteResult, 0, len(ids))
	var firstErr error
	failed := 0
	for _, id := range ids {
		r, err := s.deleteOne(ctx, p, id, o)
		if err != nil {
			if ctx.Err() != nil {
				return results, ctx.Err()
			}
			r.Result, r.Error = ResultFailed, err.Error()
			failed++
			if firstErr == nil {
				firstErr = err
			}
		}
		results = append(results, r)
	}
	switch {
	case failed == 0:
		return results, nil
	case len(ids) == 1:
		return results, firstErr
	case failed == len(ids):
		return results, fmt.Errorf("none of the %d tickets was deleted; the first failed: %w", len(ids), firstErr)
	}
	return results, fault.New(fault.ErrPartial, "%d of %d tickets deleted, %d failed", len(ids)-failed, len(ids), failed)
}

func (s *Service) deleteOne(ctx context.Context, p auth.Principal, id bson.ObjectID, o DeleteOptions) (DeleteResult, error) {
	r := DeleteResult{ID: id.Hex()}
	cur, err := s.St.GetTicket(ctx, id)
	if err != nil {
		return r, err
	}
	r.Title, r.Status = cur.Title, cur.Status
	if cur.Status != store.StatusComplete && !o.Force {
		return r, fault.WithHint(fault.Invalid("ticket %s is %q, not complete: only complete tickets are deleted", id.Hex(), cur.Status),
			"pass --force to delete it anyway")
	}
	if o.DryRun {
		r.Result = ResultWouldDelete
		return r, nil
	}
	if err := s.St.DeleteTicket(ctx, id, cur.Version); err != nil {
		return r, err
	}
	r.Result = ResultDeleted
	note := "title: " + cur.Title
	if o.Force && cur.Status != store.StatusComplete {
		note = "forced; " + note
	}
	if err := s.St.InsertEvent(ctx, &store.Event{At: s.Now(), Actor: p.Username, Action: ActionDelete, Ticket: &id,
		From: cur.Status, Note: truncate(note, MaxNote)}); err != nil {
		return r, fmt.Errorf("ticket %s was deleted but the event was not recorded: %w", id.Hex(), err)
	}
	return r, nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

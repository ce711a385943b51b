package store

import (
	"context"
	"iter"
	"regexp"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ticketctl/ticketctl/internal/fault"
)

// TicketFilter selects tickets. Zero fields do not filter. Every value is
// used as a literal (never as an operator document): Search is regex-escaped.
type TicketFilter struct {
	IDs           []bson.ObjectID
	Tags          []string // all of them, or any of them with AnyTag
	AnyTag        bool
	Statuses      []string
	Server        *bson.ObjectID
	Team          *bson.ObjectID
	NoTeam        bool
	Requester     *bson.ObjectID
	Priorities    []string
	CreatedAfter  time.Time
	CreatedBefore time.Time
	Search        string // case-insensitive substring of title or description
}

// TicketQuery is a filter plus order and size.
type TicketQuery struct {
	Filter TicketFilter
	// Sort is a field name, "-" prefixed for descending: created_at,
	// updated_at, priority, status, title. Ties break on _id.
	Sort  string
	Limit int64 // 0: no limit
	// BatchSize is the cursor batch size; 0 lets the server choose.
	BatchSize int32
}

// SortFields are the fields tickets may be sorted by.
var SortFields = []string{"created_at", "updated_at", "priority", "status", "title"}

func (f TicketFilter) bson() bson.D {
	d := bson.D{}
	if len(f.IDs) > 0 {
		d = append(d, bson.E{Key: "_id", Value: bson.D{{Key: "$in", Value: f.IDs}}})
	}
	if len(f.Tags) > 0 {
		op := "$all"
		if f.AnyTag {
			op = "$in"
		}
		d = append(d, bson.E{Key: "tags", Value: bson.D{{Key: op, Value: f.Tags}}})
	}
	if len(f.Statuses) > 0 {
		d = append(d, bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: f.Statuses}}})
	}
	if f.Server != nil {
		d = append(d, bson.E{Key: "server", Value: *f.Server})
	}
	if f.Team != nil {
		d = append(d, bson.E{Key: "team", Value: *f.Team})
	} else if f.NoTeam {
		d = append(d, bson.E{Key: "team", Value: nil})
	}
	if f.Requester != nil {
		d = append(d, bson.E{Key: "requester", Value: *f.Requester})
	}
	if len(f.Priorities) > 0 {
		d = append(d, bson.E{Key: "priority", Value: bson.D{{Key: "$in", Value: f.Priorities}}})
	}
	if !f.CreatedAfter.IsZero() || !f.CreatedBefore.IsZero() {
		r := bson.D{}
		if !f.CreatedAfter.IsZero() {
			r = append(r, bson.E{Key: "$gte", Value: f.CreatedAfter})
		}
		if !f.CreatedBefore.IsZero() {
			r = append(r, bson.E{Key: "$lt", Value: f.CreatedBefore})
		}
		d = append(d, bson.E{Key: "created_at", Value: r})
	}
	if f.Search != "" {
		re := bson.Regex{Pattern: regexp.QuoteMeta(f.Search), Options: "i"}
		d = append(d, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "title", Value: re}},
			bson.D{{Key: "description", Value: re}},
		}})
	}
	return d
}

func sortDoc(sort string) (bson.D, error) {
	if sort == "" {
		sort = "created_at"
	}
	dir := 1
	field := sort
	if strings.HasPrefix(sort, "-") {
		dir, field = -1, sort[1:]
	}
	ok := false
	for _, f := range SortFields {
		if f == field {
			ok = true
		}
	}
	if !ok {
		return nil, fault.Invalid("cannot sort by %q: valid fields are %s (prefix - for descending)", field, strings.Join(SortFields, ", "))
	}
	return bson.D{{Key: field, Value: dir}, {Key: "_id", Value: dir}}, nil
}

// Tickets streams the tickets a query selects from a cursor: memory stays
// flat however many match. The iterator yields one error and stops on
// failure.
func (s *Store) Tickets(ctx context.Context, q TicketQuery) iter.Seq2[Ticket, error] {
	return func(yield func(Ticket, error) bool) {
		cur, err := s.ticketCursor(ctx, q)
		if err != nil {
			yield(Ticket{}, err)
			return
		}
		defer cur.Close(context.WithoutCancel(ctx))
		for cur.Next(ctx) {
			var t Ticket
			if err := cur.Decode(&t); err != nil {
				yield(Ticket{}, mapErr(err, "decode ticket"))
				return
			}
			if !yield(t, nil) {
				return
			}
		}
		if err := cur.Err(); err != nil {
			yield(Ticket{}, mapErr(err, "list tickets"))
		}
	}
}

// ticketCursor opens the cursor of a query; Tickets and ExportTickets
// share it.
func (s *Store) ticketCursor(ctx context.Context, q TicketQuery) (*mongo.Cursor, error) {
	sd, err := sortDoc(q.Sort)
	if err != nil {
		return nil, err
	}
	o := options.Find().SetSort(sd)
	if q.Limit > 0 {
		o.SetLimit(q.Limit)
	}
	if q.BatchSize > 0 {
		o.SetBatchSize(q.BatchSize)
	}
	cur, err := s.coll(CollTickets).Find(ctx, q.Filter.bson(), o)
	if err != nil {
		return nil, mapErr(err, "list tickets")
	}
	return cur, nil
}

// CountTickets counts the tickets a filter selects.
func (s *Store) CountTickets(ctx context.Context, f TicketFilter) (int64, error) {
	n, err := s.coll(CollTickets).CountDocuments(ctx, f.bson())
	return n, mapErr(err, "count tickets")
}

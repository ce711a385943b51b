package store

import (
	"context"
	"errors"
	"iter"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Rule routes tickets carrying Tag to a server (and team). Rules are tried
// in Order; the first match wins.
type Rule struct {
	ID        bson.ObjectID  `bson:"_id,omitempty" json:"_id"`
	Tag       string         `bson:"tag" json:"tag"`
	Server    bson.ObjectID  `bson:"server" json:"server"`
	Team      *bson.ObjectID `bson:"team,omitempty" json:"team,omitempty"`
	Order     int            `bson:"order" json:"order"`
	CreatedAt time.Time      `bson:"created_at" json:"created_at"`
	CreatedBy string         `bson:"created_by,omitempty" json:"created_by,omitempty"`
}

// InsertRule stores a routing rule.
func (s *Store) InsertRule(ctx context.Context, r *Rule) error {
	if r.CreatedAt.IsZero() {
		r.CreatedAt = time.Now().UTC()
	}
	id, err := insertOne(ctx, s, CollRules, r, "create rule for tag "+r.Tag)
	if err == nil {
		r.ID = id
	}
	return err
}

// Rules lists every rule in evaluation order.
func (s *Store) Rules(ctx context.Context) ([]Rule, error) {
	return findAll[Rule](ctx, s, CollRules, bson.D{}, "list rules",
		options.Find().SetSort(bson.D{{Key: "order", Value: 1}, {Key: "_id", Value: 1}}))
}

// DeleteRule removes a rule.
func (s *Store) DeleteRule(ctx context.Context, id bson.ObjectID) error {
	res, err := s.coll(CollRules).DeleteOne(ctx, byID(id))
	if err != nil {
		return mapErr(err, "delete rule "+id.Hex())
	}
	if res.DeletedCount == 0 {
		return mapErr(mongo.ErrNoDocuments, "rule "+id.Hex())
	}
	return nil
}

// NextCounter increments a named counter and returns its new value;
// concurrent callers each get a different value, on FerretDB too.
func (s *Store) NextCounter(ctx context.Context, name string) (int64, error) {
	n, err := s.increment(ctx, CollCounters, name, "n", true, time.Now())
	return n, mapErr(err, "counter "+name)
}

// OpenTicketsByTeam counts tickets that are not complete, per team.
func (s *Store) OpenTicketsByTeam(ctx context.Context) (map[bson.ObjectID]int64, error) {
	cur, err := s.coll(CollTickets).Aggregate(ctx, bson.A{
		bson.D{{Key: "$match", Value: bson.D{
			{Key: "status", Value: bson.D{{Key: "$ne", Value: StatusComplete}}},
			{Key: "team", Value: bson.D{{Key: "$exists", Value: true}}},
		}}},
		bson.D{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$team"}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}},
	})
	if err != nil {
		return nil, mapErr(err, "count open tickets per team")
	}
	var rows []struct {
		ID bson.ObjectID `bson:"_id"`
		N  int64         `bson:"n"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, mapErr(err, "count open tickets per team")
	}
	out := make(map[bson.ObjectID]int64, len(rows))
	for _, r := range rows {
		out[r.ID] = r.N
	}
	return out, nil
}

// TicketPages streams every ticket f selects, one keyset page of size at a
// time in _id order: memory holds one page, and tickets rewritten (or moved
// out of the filter) while the loop runs are neither missed nor seen twice.
func (s *Store) TicketPages(ctx context.Context, f TicketFilter, size int) iter.Seq2[Ticket, error] {
	return func(yield func(Ticket, error) bool) {
		var after bson.ObjectID
		for {
			page, err := s.TicketPage(ctx, f, after, size)
			if err != nil {
				yield(Ticket{}, err)
				return
			}
			for _, t := range page {
				if !yield(t, nil) {
					return
				}
			}
			if len(page) < size {
				return
			}
			after = page[len(page)-1].ID
		}
	}
}

// TicketPage returns up to limit tickets matching f with _id greater than
// after, in _id order. Paging by key instead of holding one cursor open
// keeps memory flat and stays correct while the pages' tickets are being
// moved out of the filter.
func (s *Store) TicketPage(ctx context.Context, f TicketFilter, after bson.ObjectID, limit int) ([]Ticket, error) {
	filter := f.bson()
	if !after.IsZero() {
		filter = bson.D{{Key: "$and", Value: bson.A{filter, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}}}}}
	}
	return findAll[Ticket](ctx, s, CollTickets, filter, "list tickets",
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
}

// MoveEventCounts counts move events per ticket: audits and tests check
// that every move was recorded exactly once.
func (s *Store) MoveEventCounts(ctx context.Context) (map[bson.ObjectID]int, error) {
	cur, err := s.coll(CollEvents).Aggregate(ctx, bson.A{
		bson.D{{Key: "$match", Value: bson.D{{Key: "action", Value: "ticket.move"}}}},
		bson.D{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$ticket"}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}},
	})
	if err != nil {
		return nil, mapErr(err, "count move events")
	}
	var rows []struct {
		ID bson.ObjectID `bson:"_id"`
		N  int           `bson:"n"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, mapErr(err, "count move events")
	}
	out := make(map[bson.ObjectID]int, len(rows))
	for _, r := range rows {
		out[r.ID] = r.N
	}
	return out, nil
}

// CounterValue reads a named counter without advancing it (0 if absent).
func (s *Store) CounterValue(ctx context.Context, name string) (int64, error) {
	var out struct {
		N int64 `bson:"n"`
	}
	err := s.coll(CollCounters).FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&out)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	return out.N, mapErr(err, "counter "+name)
}

// MoveAllUnchecked moves every ticket of one server to another with a
// single updateMany, without version checks or events. Only benchmarks use
// it, as the floor the checked moves are compared with.
func (s *Store) MoveAllUnchecked(ctx context.Context, from, to bson.ObjectID) (int64, error) {
	res, err := s.coll(CollTickets).UpdateMany(ctx, bson.D{{Key: "server", Value: from}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "server", Value: to}}}, {Key: "$inc", Value: bson.D{{Key: "version", Value: int64(1)}}}})
	if err != nil {
		return 0, mapErr(err, "move tickets")
	}
	return res.ModifiedCount, nil
}

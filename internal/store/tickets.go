package store

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// InsertTicket stores a new ticket with version 1.
func (s *Store) InsertTicket(ctx context.Context, t *Ticket) error {
	prepareTicket(t, time.Now().UTC())
	id, err := insertOne(ctx, s, CollTickets, t, "create ticket")
	if err == nil {
		t.ID = id
	}
	return err
}

func prepareTicket(t *Ticket, now time.Time) {
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now
	}
	if t.UpdatedAt.IsZero() {
		t.UpdatedAt = t.CreatedAt
	}
	t.CreatedAt, t.UpdatedAt = stored(t.CreatedAt), stored(t.UpdatedAt)
	if t.Version == 0 {
		t.Version = 1
	}
	if t.Tags == nil {
		t.Tags = []string{}
	}
}

// GetTicket returns the ticket with id.
func (s *Store) GetTicket(ctx context.Context, id bson.ObjectID) (Ticket, error) {
	return findOne[Ticket](ctx, s, CollTickets, byID(id), "ticket "+id.Hex())
}

// InsertTickets inserts a batch in one insertMany (callers size batches by
// Capabilities().MaxBatch). Tickets keep their ids when set. It is
// unordered, so one duplicate id does not stop the others: the indexes (in
// ts) of tickets whose id already existed are returned, and only another
// failure is an error.
func (s *Store) InsertTickets(ctx context.Context, ts []Ticket) (duplicates []int, err error) {
	if len(ts) == 0 {
		return nil, nil
	}
	now := time.Now().UTC()
	docs := make([]any, len(ts))
	for i := range ts {
		if ts[i].ID.IsZero() {
			ts[i].ID = bson.NewObjectID()
		}
		prepareTicket(&ts[i], now)
		docs[i] = &ts[i]
	}
	_, err = s.coll(CollTickets).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return nil, nil
	}
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
		other := false
		for _, we := range bwe.WriteErrors {
			if isDuplicate(we) {
				duplicates = append(duplicates, we.Index)
			} else {
				other = true
			}
		}
		if !other {
			sort.Ints(duplicates)
			return duplicates, nil
		}
	}
	return duplicates, mapErr(err, "insert tickets")
}

// ExistingTicketIDs reports which of ids are already taken.
func (s *Store) ExistingTicketIDs(ctx context.Context, ids []bson.ObjectID) (map[bson.ObjectID]bool, error) {
	out := map[bson.ObjectID]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	cur, err := s.coll(CollTickets).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "look up ticket ids")
	}
	defer cur.Close(context.WithoutCancel(ctx))
	for cur.Next(ctx) {
		var d struct {
			ID bson.ObjectID `bson:"_id"`
		}
		if err := cur.Decode(&d); err != nil {
			return nil, mapErr(err, "look up ticket ids")
		}
		out[d.ID] = true
	}
	return out, mapErr(cur.Err(), "look up ticket ids")
}

// StatusCount is the number of tickets in one status on one server.
type StatusCount struct {
	Server bson.ObjectID
	Status string
	Count  int64
}

// TicketCountsByServer counts tickets per server and status with one
// $group (which FerretDB supports), for `servers list/get`.
func (s *Store) TicketCountsByServer(ctx context.Context, server *bson.ObjectID) ([]StatusCount, error) {
	pipe := mongo.Pipeline{}
	if server != nil {
		pipe = append(pipe, bson.D{{Key: "$match", Value: bson.D{{Key: "server", Value: *server}}}})
	}
	pipe = append(pipe, bson.D{{Key: "$group", Value: bson.D{
		{Key: "_id", Value: bson.D{{Key: "server", Value: "$server"}, {Key: "status", Value: "$status"}}},
		{Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}},
	}}})
	cur, err := s.coll(CollTickets).Aggregate(ctx, pipe)
	if err != nil {
		return nil, mapErr(err, "count tickets per server")
	}
	var rows []struct {
		ID struct {
			Server bson.ObjectID `bson:"server"`
			Status string        `bson:"status"`
		} `bson:"_id"`
		N int64 `bson:"n"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, mapErr(err, "count tickets per server")
	}
	out := make([]StatusCount, 0, len(rows))
	for _, r := range rows {
		out = append(out, StatusCount{Server: r.ID.Server, Status: r.ID.Status, Count: r.N})
	}
	return out, nil
}

// ExportTickets streams the tickets a query selects as Extended JSON, one
// document per item, in the shape mongoexport writes: every stored field
// (also those ticketctl does not model), `{"$oid": …}` ids and
// `{"$date": …}` dates. canonical selects canonical instead of relaxed
// mode (`{"$numberLong": …}` for integers).
func (s *Store) ExportTickets(ctx context.Context, q TicketQuery, canonical bool) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		cur, err := s.ticketCursor(ctx, q)
		if err != nil {
			yield(nil, err)
			return
		}
		defer cur.Close(context.WithoutCancel(ctx))
		for cur.Next(ctx) {
			b, err := bson.MarshalExtJSON(cur.Current, canonical, false)
			if err != nil {
				yield(nil, fmt.Errorf("export ticket: %w", err))
				return
			}
			if !yield(b, nil) {
				return
			}
		}
		if err := cur.Err(); err != nil {
			yield(nil, mapErr(err, "export tickets"))
		}
	}
}

// InsertTicketJSON inserts one document given as (Extended) JSON exactly
// as written, without ticketctl's defaults: it stands for a document that
// another backend wrote (no version, status strings with spaces, …).
// Tests use it; commands import through DecodeTicketJSON and InsertTickets.
func (s *Store) InsertTicketJSON(ctx context.Context, doc []byte) (bson.ObjectID, error) {
	var d bson.D
	if err := bson.UnmarshalExtJSON(doc, false, &d); err != nil {
		return bson.ObjectID{}, fmt.Errorf("insert raw ticket: %w", err)
	}
	return insertOne(ctx, s, CollTickets, d, "insert raw ticket")
}

// ticketFields are the fields of Ticket as stored; DecodeTicketJSON
// reports any other field as ignored.
var ticketFields = map[string]string{}

func init() {
	for _, f := range []string{"_id", "title", "description", "tags", "created_at", "updated_at", "status",
		"server", "team", "requester", "priority", "severity", "triage", "resolution", "version", "last_move"} {
		ticketFields[f] = f
	}
}

// DecodeTicketJSON reads one ticket from JSON in any of the shapes that
// reach ticketctl: mongoexport's relaxed or canonical Extended JSON
// (`{"$oid"}`, `{"$date"}`, `{"$numberLong"}`) and ticketctl's own
// `-o json` (ids as hex strings, dates as RFC 3339 strings). Fields that a
// ticket does not have are dropped and named in ignored (Mongoose's `__v`,
// another feature's bookkeeping). Errors name the field.
func DecodeTicketJSON(b []byte) (t Ticket, ignored []string, err error) {
	var d bson.D
	if err := bson.UnmarshalExtJSON(b, false, &d); err != nil {
		return Ticket{}, nil, fmt.Errorf("not a JSON object: %s", cleanDecodeErr(err))
	}
	kept := make(bson.D, 0, len(d))
	for _, e := range d {
		if _, ok := ticketFields[e.Key]; !ok {
			ignored = append(ignored, e.Key)
			continue
		}
		v, err := normalizeImportValue(e.Key, e.Value)
		if err != nil {
			return Ticket{}, ignored, err
		}
		kept = append(kept, bson.E{Key: e.Key, Value: v})
	}
	raw, err := bson.Marshal(kept)
	if err != nil {
		return Ticket{}, ignored, err
	}
	if err := bson.Unmarshal(raw, &t); err != nil {
		return Ticket{}, ignored, fmt.Errorf("%s", cleanDecodeErr(err))
	}
	return t, ignored, nil
}

// normalizeImportValue converts ticketctl's plain-JSON forms (hex ids,
// RFC 3339 dates, JSON numbers) into the BSON types the schema uses.
func normalizeImportValue(key string, v any) (any, error) {
	switch key {
	case "_id", "server", "team", "requester":
		switch x := v.(type) {
		case string:
			id, err := bson.ObjectIDFromHex(x)
			if err != nil {
				return nil, fmt.Errorf("field %s: %q is not an ObjectId", key, x)
			}
			return id, nil
		case bson.ObjectID, nil:
			return v, nil
		default:
			return nil, fmt.Errorf("field %s: want an ObjectId, got %s", key, typeName(v))
		}
	case "created_at", "updated_at":
		switch x := v.(type) {
		case string:
			tm, err := time.Parse(time.RFC3339Nano, x)
			if err != nil {
				return nil, fmt.Errorf("field %s: %q is not an RFC 3339 date", key, x)
			}
			return bson.NewDateTimeFromTime(tm), nil
		case bson.DateTime:
			return v, nil
		default:
			return nil, fmt.Errorf("field %s: want a date, got %s", key, typeName(v))
		}
	case "version":
		switch x := v.(type) {
		case int32:
			return int64(x), nil
		case int64:
			return x, nil
		case float64:
			if x != float64(int64(x)) || x < 0 {
				return nil, fmt.Errorf("field version: %v is not a whole number", x)
			}
			return int64(x), nil
		default:
			return nil, fmt.Errorf("field version: want a number, got %s", typeName(v))
		}
	case "title", "description", "status", "priority", "severity":
		if _, ok := v.(string); !ok && v != nil {
			return nil, fmt.Errorf("field %s: want a string, got %s", key, typeName(v))
		}
	case "tags":
		a, ok := v.(bson.A)
		if !ok && v != nil {
			return nil, fmt.Errorf("field tags: want an array of strings, got %s", typeName(v))
		}
		for _, x := range a {
			if _, ok := x.(string); !ok {
				return nil, fmt.Errorf("field tags: want an array of strings, found %s", typeName(x))
			}
		}
	}
	return v, nil
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case int32, int64, float64:
		return "a number"
	case bool:
		return "a boolean"
	case bson.A:
		return "an array"
	case bson.D:
		return "an object"
	case bson.ObjectID:
		return "an ObjectId"
	case bson.DateTime:
		return "a date"
	}
	return fmt.Sprintf("%T", v)
}

// cleanDecodeErr keeps the driver's decode errors to their useful part.
func cleanDecodeErr(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "error decoding key ")
	return firstLine(msg)
}

// MarshalExtJSON encodes v as relaxed Extended JSON, the shape mongoexport
// writes ({"$oid": …}, {"$date": …}).
func MarshalExtJSON(v any) ([]byte, error) { return bson.MarshalExtJSON(v, false, false) }

// UnmarshalExtJSON decodes relaxed or canonical Extended JSON into v.
func UnmarshalExtJSON(b []byte, v any) error { return bson.UnmarshalExtJSON(b, false, v) }

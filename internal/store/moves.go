package store

import (
	"context"
	"errors"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Move is one planned change of a ticket's server (and team), valid only
// while the ticket is still on From at Version.
type Move struct {
	Ticket  bson.ObjectID
	From    bson.ObjectID
	Version int64
	To      bson.ObjectID
	Team    *bson.ObjectID
	// Strategy is what decided the move (manual, filter, rules, model…).
	Strategy string
}

// MoveStamp describes one move. The move's atomic update writes it into
// the ticket (last_move), and the move's intent document holds it until
// the event is written, so a crash in between is repaired by the next run.
type MoveStamp struct {
	Run         string         `bson:"run"`
	Actor       string         `bson:"actor"`
	Ticket      bson.ObjectID  `bson:"ticket,omitempty"`
	From        bson.ObjectID  `bson:"from"`
	To          bson.ObjectID  `bson:"to"`
	Team        *bson.ObjectID `bson:"team,omitempty"`
	FromVersion int64          `bson:"from_version"`
	Strategy    string         `bson:"strategy,omitempty"`
	Note        string         `bson:"note,omitempty"`
	At          time.Time      `bson:"at"`
}

// intentDoc is a move's claim and write-ahead record in CollLocks. Its _id
// is the ticket's claim key, so it also excludes every other writer of
// that ticket version on servers without atomic updates.
type intentDoc struct {
	ID   string     `bson:"_id"`
	At   time.Time  `bson:"at"`
	Move *MoveStamp `bson:"move,omitempty"`
	// Resolve is the event of a resolution (ResolveTicket), written once
	// the ticket is resolved.
	Resolve *Event `bson:"resolve,omitempty"`
	Version int64  `bson:"version,omitempty"`
}

// MoveResult says which tickets of a batch this call moved.
type MoveResult struct {
	Moved []bson.ObjectID
	Stale []bson.ObjectID // changed or claimed meanwhile: not moved
}

// ApplyMoves moves a batch of tickets in a handful of round trips: one
// insertMany of intents (claims), one conditional updateMany per
// (source, version, destination) group, one find to learn which moved,
// one insertMany of their events and one deleteMany of the intents. No
// transaction is needed: a ticket changes only if it is still as planned,
// and its event is keyed by (ticket, version moved from), so it is written
// exactly once even across crashes and concurrent runs.
func (s *Store) ApplyMoves(ctx context.Context, run, actor, note string, moves []Move, now time.Time) (MoveResult, error) {
	if len(moves) == 0 {
		return MoveResult{}, nil
	}
	now = now.UTC().Truncate(time.Millisecond)
	moves = firstOfEach(moves)
	stamps := make(map[bson.ObjectID]MoveStamp, len(moves))
	intents := make([]any, len(moves))
	keys := make([]string, len(moves))
	for i, m := range moves {
		st := MoveStamp{Run: run, Actor: actor, Ticket: m.Ticket, From: m.From, To: m.To, Team: m.Team,
			FromVersion: m.Version, Strategy: m.Strategy, Note: note, At: now}
		stamps[m.Ticket] = st
		keys[i] = claimKey(CollTickets, m.Ticket, m.Version)
		intents[i] = intentDoc{ID: keys[i], At: now, Move: &st}
	}
	won, err := s.insertClaims(ctx, keys, intents)
	if err != nil {
		return MoveResult{}, err
	}
	// The intents are dropped only once every event is written: on any
	// error before that they stay, and RecoverIntents (after the lease)
	// writes the events of the moves that happened and drops the rest.
	if err := s.finishEarlierMoves(ctx, moves); err != nil {
		return MoveResult{}, err
	}

	// Fresh tickets share a version, so a batch needs few groups; one
	// update per group writes a complete stamp without a pipeline update,
	// which FerretDB lacks.
	type group struct {
		from     bson.ObjectID
		version  int64
		to       bson.ObjectID
		team     bson.ObjectID
		strategy string
	}
	groups := map[group][]bson.ObjectID{}
	var order []group
	for i, m := range moves {
		if !won[keys[i]] {
			continue
		}
		g := group{from: m.From, version: m.Version, to: m.To, strategy: m.Strategy}
		if m.Team != nil {
			g.team = *m.Team
		}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], m.Ticket)
	}
	var matched, claimed int64
	for _, g := range order {
		var team *bson.ObjectID
		if !g.team.IsZero() {
			t := g.team
			team = &t
		}
		stamp := MoveStamp{Run: run, Actor: actor, From: g.from, To: g.to, Team: team, FromVersion: g.version,
			Strategy: g.strategy, Note: note, At: now}
		set := bson.D{{Key: "server", Value: g.to}, {Key: "updated_at", Value: now}, {Key: "last_move", Value: stamp}}
		update := bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "version", Value: int64(1)}}}}
		if team == nil {
			update = append(update, bson.E{Key: "$unset", Value: bson.D{{Key: "team", Value: ""}}})
		} else {
			set = append(set, bson.E{Key: "team", Value: *team})
			update[0].Value = set
		}
		// Every ticket of a group expects the same server and version, so
		// one $in serves them all: an index lookup on MongoDB and a cheap
		// set test on FerretDB, where an $or of per-ticket clauses is
		// evaluated clause by clause for every document.
		filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: groups[g]}}}, {Key: "server", Value: g.from}, versionFilter(g.version)}
		res, err := s.coll(CollTickets).UpdateMany(ctx, filter, update)
		if err != nil {
			return MoveResult{}, mapErr(err, "move tickets")
		}
		matched += res.MatchedCount
		claimed += int64(len(groups[g]))
	}
	// When every claimed ticket matched, they all moved: no need to ask.
	// Otherwise one find on the run's stamp tells which did.
	var moved map[bson.ObjectID]bool
	if matched == claimed {
		moved = make(map[bson.ObjectID]bool, len(moves))
		for i, m := range moves {
			if won[keys[i]] {
				moved[m.Ticket] = true
			}
		}
	} else if moved, err = s.movedBy(ctx, run, moves); err != nil {
		return MoveResult{}, err
	}
	res := MoveResult{}
	var events []any
	for _, m := range moves {
		if !moved[m.Ticket] {
			res.Stale = append(res.Stale, m.Ticket)
			continue
		}
		res.Moved = append(res.Moved, m.Ticket)
		events = append(events, moveEvent(stamps[m.Ticket]))
	}
	if err := s.insertKeyedEvents(ctx, events); err != nil {
		return res, err
	}
	s.dropClaims(ctx, won)
	return res, nil
}

// firstOfEach drops repeated tickets from a batch: two claims on one key
// would make the batch lose the ticket's own claim.
func firstOfEach(moves []Move) []Move {
	seen := make(map[bson.ObjectID]bool, len(moves))
	out := moves[:0:0]
	for _, m := range moves {
		if !seen[m.Ticket] {
			seen[m.Ticket] = true
			out = append(out, m)
		}
	}
	return out
}

// finishEarlierMoves writes the events owed by intents of the moves that
// brought these tickets to their current version, before this batch
// overwrites the tickets' last_move stamps, which recovery needs to tell
// whether those moves happened. A writer killed a moment ago leaves such
// intents younger than the lease; an event written here is final, and its
// key makes a second write harmless.
func (s *Store) finishEarlierMoves(ctx context.Context, moves []Move) error {
	var prev []string
	for _, m := range moves {
		if m.Version > 0 {
			prev = append(prev, claimKey(CollTickets, m.Ticket, m.Version-1))
		}
	}
	if len(prev) == 0 {
		return nil
	}
	cur, err := s.coll(CollLocks).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: prev}}}})
	if err != nil {
		return mapErr(err, "find earlier moves")
	}
	var intents []intentDoc
	if err := cur.All(ctx, &intents); err != nil {
		return mapErr(err, "find earlier moves")
	}
	for _, in := range intents {
		ev, done, err := s.intentOutcome(ctx, in)
		if err != nil {
			return err
		}
		if done {
			if err := s.insertKeyedEvents(ctx, []any{ev}); err != nil {
				return err
			}
		}
	}
	return nil
}

// movedBy returns which tickets carry run's stamp.
func (s *Store) movedBy(ctx context.Context, run string, moves []Move) (map[bson.ObjectID]bool, error) {
	ids := make([]bson.ObjectID, len(moves))
	for i, m := range moves {
		ids[i] = m.Ticket
	}
	cur, err := s.coll(CollTickets).Find(ctx,
		bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "last_move.run", Value: run}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "check moves")
	}
	var rows []struct {
		ID bson.ObjectID `bson:"_id"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, mapErr(err, "check moves")
	}
	out := make(map[bson.ObjectID]bool, len(rows))
	for _, r := range rows {
		out[r.ID] = true
	}
	return out, nil
}

// keyedEvent is an Event plus a unique key that makes its insertion
// idempotent: one move event per (ticket, version moved from), one
// resolution event per (ticket, version resolved from).
type keyedEvent struct {
	Event `bson:",inline"`
	Key   string `bson:"key"`
}

func moveEvent(st MoveStamp) keyedEvent {
	t := st.Ticket
	to := st.To.Hex()
	if st.Team != nil {
		to += "/" + st.Team.Hex()
	}
	return keyedEvent{
		Event: Event{At: st.At, Actor: st.Actor, Action: "ticket.move", Ticket: &t, From: st.From.Hex(), To: to,
			Note: st.Note, RunID: st.Run},
		Key: "move:" + t.Hex() + ":" + strconv.FormatInt(st.FromVersion, 10),
	}
}

func resolveEvent(ev Event, version int64) keyedEvent {
	return keyedEvent{Event: ev, Key: "resolve:" + ev.Ticket.Hex() + ":" + strconv.FormatInt(version, 10)}
}

func (s *Store) insertKeyedEvents(ctx context.Context, events []any) error {
	if len(events) == 0 {
		return nil
	}
	_, err := s.coll(CollEvents).InsertMany(ctx, events, options.InsertMany().SetOrdered(false))
	if err == nil {
		return nil
	}
	// A duplicate means the event exists already (written by a recovery):
	// that is what the key is for.
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
		for _, we := range bwe.WriteErrors {
			if !isDuplicate(we) {
				return mapErr(err, "record events")
			}
		}
		return nil
	}
	if isDuplicate(err) {
		return nil
	}
	return mapErr(err, "record events")
}

// RecoverIntents finishes what crashed writers left: for every move or
// resolution intent older than lease, it writes the event if the change
// happened, then drops the intent. Younger intents may belong to a writer
// still in flight.
func (s *Store) RecoverIntents(ctx context.Context, now time.Time, lease time.Duration) (int, error) {
	cur, err := s.coll(CollLocks).Find(ctx, bson.D{
		{Key: "$or", Value: bson.A{
			bson.D{{Key: "move", Value: bson.D{{Key: "$exists", Value: true}}}},
			bson.D{{Key: "resolve", Value: bson.D{{Key: "$exists", Value: true}}}},
		}},
		{Key: "at", Value: bson.D{{Key: "$lte", Value: now.Add(-lease)}}},
	})
	if err != nil {
		return 0, mapErr(err, "find unfinished changes")
	}
	var intents []intentDoc
	if err := cur.All(ctx, &intents); err != nil {
		return 0, mapErr(err, "find unfinished changes")
	}
	n := 0
	for _, in := range intents {
		ev, done, err := s.intentOutcome(ctx, in)
		if err != nil {
			return n, err
		}
		if done {
			if err := s.insertKeyedEvents(ctx, []any{ev}); err != nil {
				return n, err
			}
			n++
		}
		if _, err := s.coll(CollLocks).DeleteOne(ctx, bson.D{{Key: "_id", Value: in.ID}, {Key: "at", Value: in.At}}); err != nil {
			return n, mapErr(err, "drop intent")
		}
	}
	return n, nil
}

// intentOutcome says whether an intent's change happened (the ticket
// carries its run's stamp, or its resolution time) and the event it owes.
func (s *Store) intentOutcome(ctx context.Context, in intentDoc) (keyedEvent, bool, error) {
	var id bson.ObjectID
	switch {
	case in.Move != nil:
		id = in.Move.Ticket
	case in.Resolve != nil && in.Resolve.Ticket != nil:
		id = *in.Resolve.Ticket
	default:
		return keyedEvent{}, false, nil
	}
	var t Ticket
	err := s.coll(CollTickets).FindOne(ctx, byID(id)).Decode(&t)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return keyedEvent{}, false, nil
	}
	if err != nil {
		return keyedEvent{}, false, mapErr(err, "read ticket "+id.Hex())
	}
	if in.Move != nil {
		done := t.LastMove != nil && t.LastMove.Run == in.Move.Run && t.LastMove.FromVersion == in.Move.FromVersion
		return moveEvent(*in.Move), done, nil
	}
	done := t.Resolution != nil && t.Resolution.At.Equal(in.Resolve.At)
	return resolveEvent(*in.Resolve, in.Version), done, nil
}

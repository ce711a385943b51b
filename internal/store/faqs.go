package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// FAQ is a document of the faqs collection: a canned answer that can
// resolve a ticket. Key is an optional stable name (unique when set) that
// imports use to update an FAQ instead of adding it twice.
type FAQ struct {
	ID        bson.ObjectID `bson:"_id,omitempty" json:"_id"`
	Key       string        `bson:"key,omitempty" json:"key,omitempty"`
	Question  string        `bson:"question" json:"question"`
	Answer    string        `bson:"answer" json:"answer"`
	Tags      []string      `bson:"tags" json:"tags"`
	CreatedAt time.Time     `bson:"created_at" json:"created_at"`
	UpdatedAt time.Time     `bson:"updated_at" json:"updated_at"`
	CreatedBy string        `bson:"created_by,omitempty" json:"created_by,omitempty"`
}

// InsertFAQ stores a new FAQ; a key already taken is ErrConflict.
func (s *Store) InsertFAQ(ctx context.Context, f *FAQ) error {
	if f.Tags == nil {
		f.Tags = []string{}
	}
	id, err := insertOne(ctx, s, CollFAQs, f, "create FAQ")
	if err == nil {
		f.ID = id
	}
	return err
}

// GetFAQ returns the FAQ with id.
func (s *Store) GetFAQ(ctx context.Context, id bson.ObjectID) (FAQ, error) {
	return findOne[FAQ](ctx, s, CollFAQs, byID(id), "FAQ "+id.Hex())
}

// GetFAQByKey returns the FAQ with key.
func (s *Store) GetFAQByKey(ctx context.Context, key string) (FAQ, error) {
	return findOne[FAQ](ctx, s, CollFAQs, bson.D{{Key: "key", Value: key}}, "FAQ "+key)
}

// FAQs returns every FAQ ordered by key, question and id. FAQ sets are
// small (hundreds, a few thousand): the matcher indexes all of them.
func (s *Store) FAQs(ctx context.Context) ([]FAQ, error) {
	return findAll[FAQ](ctx, s, CollFAQs, bson.D{}, "list FAQs",
		options.Find().SetSort(bson.D{{Key: "key", Value: 1}, {Key: "question", Value: 1}, {Key: "_id", Value: 1}}))
}

// UpsertFAQByKey creates the FAQ with f.Key or replaces its question,
// answer and tags; created reports which. f gets the stored id.
func (s *Store) UpsertFAQByKey(ctx context.Context, f *FAQ, now time.Time) (created bool, err error) {
	if f.Tags == nil {
		f.Tags = []string{}
	}
	var out FAQ
	err = s.coll(CollFAQs).FindOneAndUpdate(ctx, bson.D{{Key: "key", Value: f.Key}},
		bson.D{
			{Key: "$set", Value: bson.D{{Key: "question", Value: f.Question}, {Key: "answer", Value: f.Answer},
				{Key: "tags", Value: f.Tags}, {Key: "updated_at", Value: now}}},
			{Key: "$setOnInsert", Value: bson.D{{Key: "created_at", Value: now}, {Key: "created_by", Value: f.CreatedBy}}},
		},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.Before)).Decode(&out)
	switch {
	case err == mongo.ErrNoDocuments:
		created = true
	case err != nil:
		return false, mapErr(err, "import FAQ "+f.Key)
	}
	got, err := s.GetFAQByKey(ctx, f.Key)
	if err != nil {
		return created, err
	}
	*f = got
	return created, nil
}

// DeleteFAQ removes an FAQ.
func (s *Store) DeleteFAQ(ctx context.Context, id bson.ObjectID) error {
	res, err := s.coll(CollFAQs).DeleteOne(ctx, byID(id))
	if err != nil {
		return mapErr(err, "delete FAQ "+id.Hex())
	}
	if res.DeletedCount == 0 {
		return mapErr(mongo.ErrNoDocuments, "FAQ "+id.Hex())
	}
	return nil
}

// FAQResolvedTickets streams tickets that a person resolved with an FAQ
// (resolution.faq set, not by the faq strategy itself): labelled examples
// for calibrating auto-resolution.
func (s *Store) FAQResolvedTickets(ctx context.Context, limit int64) ([]Ticket, error) {
	o := options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}})
	if limit > 0 {
		o.SetLimit(limit)
	}
	return findAll[Ticket](ctx, s, CollTickets, bson.D{
		{Key: "resolution.faq", Value: bson.D{{Key: "$exists", Value: true}}},
		{Key: "triage.method", Value: bson.D{{Key: "$ne", Value: "faq"}}},
	}, "tickets resolved with an FAQ", o)
}

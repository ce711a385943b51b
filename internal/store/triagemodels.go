package store

import (
	"context"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ticketctl/ticketctl/internal/triage"
)

// CollTriage holds triage settings, one small document per setting keyed
// by a string _id (the active model, the FAQ calibration): each is changed
// with one single-document upsert, so readers never see half a switch.
const CollTriage = "triage"

// Triage setting ids.
const (
	settingActiveModel    = "active-model"
	settingFAQCalibration = "faq-calibration"
)

// TriageModel is one version of the router in the models collection:
// metadata people read plus the trained model itself (Model, several MB,
// left out of listings). One document per version keeps it under
// MongoDB's 16 MB limit by construction: triage caps the weight matrix.
type TriageModel struct {
	ID        bson.ObjectID `bson:"_id,omitempty" json:"_id"`
	Version   int           `bson:"version" json:"version"`
	Label     string        `bson:"label" json:"label"` // "team" or "server": what it predicts
	Algorithm string        `bson:"algorithm" json:"algorithm"`
	CreatedAt time.Time     `bson:"created_at" json:"created_at"`
	CreatedBy string        `bson:"created_by,omitempty" json:"created_by,omitempty"`
	// Window is the created_at range of the tickets it learned from.
	Window TimeWindow `bson:"window" json:"window"`
	// Docs is how many tickets it was trained on; Classes their labels.
	Docs    int            `bson:"docs" json:"docs"`
	Classes []TriageClass  `bson:"classes" json:"classes"`
	Holdout *TriageHoldout `bson:"holdout,omitempty" json:"holdout,omitempty"`
	// Threshold is the confidence above which the model strategy routes on
	// its own, chosen on the hold-out; ThresholdSet is false when there
	// was no hold-out or no threshold reached the precision target: the
	// model then never routes by itself.
	Threshold    float64 `bson:"threshold" json:"threshold"`
	ThresholdSet bool    `bson:"threshold_set" json:"threshold_set"`
	// Refit: the stored model was trained again on every ticket after the
	// hold-out measured a model trained on the older ones.
	Refit bool             `bson:"refit,omitempty" json:"refit,omitempty"`
	Model *triage.ModelDoc `bson:"model,omitempty" json:"-"`
}

// TimeWindow is a created_at range.
type TimeWindow struct {
	From time.Time `bson:"from" json:"from"`
	To   time.Time `bson:"to" json:"to"`
}

// TriageClass is one label a model knows: the team or server id, its name
// when trained, and how many training tickets carried it.
type TriageClass struct {
	ID    string `bson:"id" json:"id"`
	Name  string `bson:"name" json:"name"`
	Count int    `bson:"count" json:"count"`
}

// TriageHoldout are the metrics measured on the newest tickets, held out
// of training.
type TriageHoldout struct {
	Docs             int        `bson:"docs" json:"docs"`
	Window           TimeWindow `bson:"window" json:"window"`
	Accuracy         float64    `bson:"accuracy" json:"accuracy"`
	MacroF1          float64    `bson:"macro_f1" json:"macro_f1"`
	NBAccuracy       float64    `bson:"nb_accuracy" json:"nb_accuracy"`
	NBMacroF1        float64    `bson:"nb_macro_f1" json:"nb_macro_f1"`
	MajorityAccuracy float64    `bson:"majority_accuracy" json:"majority_accuracy"`
	MinPrecision     float64    `bson:"min_precision" json:"min_precision"`
	Coverage         float64    `bson:"coverage" json:"coverage"`
	Precision        float64    `bson:"precision" json:"precision"`
}

// InsertTriageModel stores a new model version. The unique index on
// version makes a second model with the same number a conflict.
func (s *Store) InsertTriageModel(ctx context.Context, m *TriageModel) error {
	m.CreatedAt = stored(m.CreatedAt)
	id, err := insertOne(ctx, s, CollModels, m, "store triage model")
	if err == nil {
		m.ID = id
	}
	return err
}

// withoutWeights leaves the trained model out of a read.
var withoutWeights = bson.D{{Key: "model", Value: 0}}

// TriageModels lists model versions, newest first, without their weights.
func (s *Store) TriageModels(ctx context.Context) ([]TriageModel, error) {
	return findAll[TriageModel](ctx, s, CollModels, bson.D{}, "list triage models",
		options.Find().SetSort(bson.D{{Key: "version", Value: -1}}).SetProjection(withoutWeights))
}

// GetTriageModel returns one model version; withModel also reads the
// trained model (several MB).
func (s *Store) GetTriageModel(ctx context.Context, version int, withModel bool) (TriageModel, error) {
	o := options.FindOne()
	if !withModel {
		o.SetProjection(withoutWeights)
	}
	return findOne[TriageModel](ctx, s, CollModels, bson.D{{Key: "version", Value: version}},
		"triage model version "+strconv.Itoa(version), o)
}

// DeleteTriageModel removes one model version.
func (s *Store) DeleteTriageModel(ctx context.Context, version int) error {
	res, err := s.coll(CollModels).DeleteOne(ctx, bson.D{{Key: "version", Value: version}})
	if err != nil {
		return mapErr(err, "delete triage model "+strconv.Itoa(version))
	}
	if res.DeletedCount == 0 {
		return mapErr(mongo.ErrNoDocuments, "triage model version "+strconv.Itoa(version))
	}
	return nil
}

// ActiveModelSetting says which model version routes tickets.
type ActiveModelSetting struct {
	Version   int       `bson:"version" json:"version"`
	UpdatedAt time.Time `bson:"updated_at" json:"updated_at"`
	UpdatedBy string    `bson:"updated_by,omitempty" json:"updated_by,omitempty"`
}

// ActiveModel returns the active model setting (ErrNotFound when no model
// was ever made active).
func (s *Store) ActiveModel(ctx context.Context) (ActiveModelSetting, error) {
	return findOne[ActiveModelSetting](ctx, s, CollTriage, bson.D{{Key: "_id", Value: settingActiveModel}}, "active triage model")
}

// SetActiveModel points the active model at a version.
func (s *Store) SetActiveModel(ctx context.Context, a ActiveModelSetting) error {
	return s.putSetting(ctx, settingActiveModel, a, "set active triage model")
}

// FAQCalibration is the outcome of `faq calibrate`: the confidence
// threshold above which an FAQ resolves a ticket on its own, and what it
// was measured on. Fingerprint identifies the FAQ set it was calibrated
// for; a changed set needs a new calibration.
type FAQCalibration struct {
	Threshold    float64   `bson:"threshold" json:"threshold"`
	Reached      bool      `bson:"reached" json:"reached"`
	MinPrecision float64   `bson:"min_precision" json:"min_precision"`
	Precision    float64   `bson:"precision" json:"precision"`
	Coverage     float64   `bson:"coverage" json:"coverage"`
	Queries      int       `bson:"queries" json:"queries"`
	FAQs         int       `bson:"faqs" json:"faqs"`
	Fingerprint  string    `bson:"fingerprint" json:"fingerprint"`
	Source       string    `bson:"source" json:"source"`
	UpdatedAt    time.Time `bson:"updated_at" json:"updated_at"`
	UpdatedBy    string    `bson:"updated_by,omitempty" json:"updated_by,omitempty"`
}

// FAQCalibrationSetting returns the stored calibration (ErrNotFound when
// FAQs were never calibrated).
func (s *Store) FAQCalibrationSetting(ctx context.Context) (FAQCalibration, error) {
	return findOne[FAQCalibration](ctx, s, CollTriage, bson.D{{Key: "_id", Value: settingFAQCalibration}}, "FAQ calibration")
}

// SetFAQCalibration stores a calibration, replacing the previous one.
func (s *Store) SetFAQCalibration(ctx context.Context, c FAQCalibration) error {
	return s.putSetting(ctx, settingFAQCalibration, c, "store FAQ calibration")
}

// putSetting replaces (or creates) the setting document id with v's fields.
func (s *Store) putSetting(ctx context.Context, id string, v any, what string) error {
	_, err := s.coll(CollTriage).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: v}}, options.UpdateOne().SetUpsert(true))
	return mapErr(err, what)
}

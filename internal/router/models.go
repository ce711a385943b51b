package router

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
	"github.com/ticketctl/ticketctl/internal/triage"
)

// ModelView is a stored model's metadata and whether it is the active one.
type ModelView struct {
	store.TriageModel
	Active bool `json:"active"`
}

// Models lists model versions, newest first (employees).
func (s *Service) Models(ctx context.Context, p auth.Principal) ([]ModelView, error) {
	if err := auth.Require(p, store.RoleEmployee); err != nil {
		return nil, err
	}
	ms, err := s.St.TriageModels(ctx)
	if err != nil {
		return nil, err
	}
	active, err := s.activeVersion(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ModelView, len(ms))
	for i, m := range ms {
		out[i] = ModelView{TriageModel: m, Active: m.Version == active}
	}
	return out, nil
}

// activeVersion is the active model's version, 0 when there is none.
func (s *Service) activeVersion(ctx context.Context) (int, error) {
	a, err := s.St.ActiveModel(ctx)
	if isNotFound(err) {
		return 0, nil
	}
	return a.Version, err
}

// Use makes a model version the active one (admins): the model strategy
// routes with it from the next run on.
func (s *Service) Use(ctx context.Context, p auth.Principal, version int) (store.TriageModel, error) {
	if err := auth.Require(p, store.RoleAdmin); err != nil {
		return store.TriageModel{}, err
	}
	m, err := s.St.GetTriageModel(ctx, version, false)
	if isNotFound(err) {
		return m, fault.WithHint(fault.New(fault.ErrNotFound, "no triage model version %d", version), "list versions with `ticketctl triage models`")
	}
	if err != nil {
		return m, err
	}
	prev, err := s.activeVersion(ctx)
	if err != nil {
		return m, err
	}
	now := s.Now()
	if err := s.St.SetActiveModel(ctx, store.ActiveModelSetting{Version: version, UpdatedAt: now, UpdatedBy: p.Username}); err != nil {
		return m, err
	}
	from := ""
	if prev > 0 {
		from = modelSubject(prev)
	}
	return m, s.St.InsertEvent(ctx, &store.Event{At: now, Actor: p.Username, Action: ActionUse, Subject: "triage",
		From: from, To: modelSubject(version)})
}

// Delete removes a model version that is not the active one (admins).
func (s *Service) Delete(ctx context.Context, p auth.Principal, version int) error {
	if err := auth.Require(p, store.RoleAdmin); err != nil {
		return err
	}
	active, err := s.activeVersion(ctx)
	if err != nil {
		return err
	}
	if active == version {
		return fault.WithHint(fault.New(fault.ErrConflict, "model version %d is the active one", version),
			"activate another with `ticketctl triage use VERSION` first")
	}
	if err := s.St.DeleteTriageModel(ctx, version); err != nil {
		if isNotFound(err) {
			return fault.New(fault.ErrNotFound, "no triage model version %d", version)
		}
		return err
	}
	return s.St.InsertEvent(ctx, &store.Event{At: s.Now(), Actor: p.Username, Action: ActionDelete, Subject: modelSubject(version)})
}

// Active is a loaded, decoded model ready to predict.
type Active struct {
	Meta  store.TriageModel
	Model *triage.Model
	names map[string]string
}

// LoadActive reads and decodes the active model (ErrNoActiveModel when
// none is active).
func LoadActive(ctx context.Context, st *store.Store) (*Active, error) {
	a, err := st.ActiveModel(ctx)
	if isNotFound(err) {
		return nil, ErrNoActiveModel
	}
	if err != nil {
		return nil, err
	}
	return LoadVersion(ctx, st, a.Version)
}

// LoadVersion reads and decodes one model version.
func LoadVersion(ctx context.Context, st *store.Store, version int) (*Active, error) {
	meta, err := st.GetTriageModel(ctx, version, true)
	if isNotFound(err) {
		return nil, fault.WithHint(fault.New(fault.ErrNotFound, "triage model version %d no longer exists", version),
			"activate another with `ticketctl triage use VERSION`")
	}
	if err != nil {
		return nil, err
	}
	if meta.Model == nil {
		return nil, fmt.Errorf("triage model version %d has no trained model stored", version)
	}
	m, err := triage.FromDoc(*meta.Model)
	if err != nil {
		return nil, fmt.Errorf("triage model version %d: %w", version, err)
	}
	meta.Model = nil
	a := &Active{Meta: meta, Model: m, names: map[string]string{}}
	for _, c := range meta.Classes {
		a.names[c.ID] = c.Name
	}
	return a, nil
}

// Name is the name a label id had when the model was trained.
func (a *Active) Name(id string) string {
	if n := a.names[id]; n != "" {
		return n
	}
	return id
}

// Alternative is one label with its probability.
type Alternative struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Probability float64 `json:"probability"`
}

// Prediction is the model's answer for one ticket text.
type Prediction struct {
	Version    int      `json:"model_version"`
	Label      string   `json:"label"` // team or server
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Confidence float64  `json:"confidence"`
	TopTerms   []string `json:"top_terms"`
	// Alternatives are the three most likely labels, the prediction first.
	Alternatives []Alternative `json:"alternatives"`
	Threshold    float64       `json:"threshold"`
	ThresholdSet bool          `json:"threshold_set"`
	// Routes says whether the model strategy would route on this
	// prediction by itself (confidence at or above the threshold).
	Routes bool `json:"routes"`
}

// Predict classifies a text and explains the answer.
func (a *Active) Predict(text string) Prediction {
	x := a.Model.Vectorize(text)
	p := a.Model.Classifier().Predict(x)
	terms := a.Model.ExplainClass(x, p.Class, 12)
	feats := make([]string, len(terms))
	for i, t := range terms {
		feats[i] = t.Term
	}
	out := Prediction{Version: a.Meta.Version, Label: a.Meta.Label, ID: p.Label, Name: a.Name(p.Label),
		Confidence: round(p.Confidence), TopTerms: triage.ReadableTerms(feats, 5),
		Threshold: a.Meta.Threshold, ThresholdSet: a.Meta.ThresholdSet}
	out.Routes = a.Meta.ThresholdSet && p.Confidence >= a.Meta.Threshold
	labels := a.Model.Labels()
	order := make([]int, len(labels))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(p.Probs[j], p.Probs[i]) })
	for _, c := range order[:min(3, len(order))] {
		out.Alternatives = append(out.Alternatives, Alternative{ID: labels[c], Name: a.Name(labels[c]), Probability: round(p.Probs[c])})
	}
	return out
}

func round(x float64) float64 { return float64(int64(x*10000+0.5)) / 10000 }

package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Webhook request headers.
const (
	HeaderSignature      = "X-Ticketctl-Signature"       // "sha256=<hex HMAC-SHA256 of the body>"
	HeaderTimestamp      = "X-Ticketctl-Timestamp"       // unix seconds; also in the signed body
	HeaderIdempotencyKey = "X-Ticketctl-Idempotency-Key" // same on every retry of one notification
)

// WebhookPayload is the JSON body POSTed by a webhook channel. The signature
// covers these exact bytes, so a receiver can trust Timestamp (reject old
// requests) and IdempotencyKey (drop duplicates).
type WebhookPayload struct {
	IdempotencyKey string        `json:"idempotency_key"`
	Timestamp      int64         `json:"timestamp"`
	Channel        string        `json:"channel"`
	Subject        string        `json:"subject"`
	Text           string        `json:"text"`
	Note           string        `json:"note"`
	Ticket         TicketSummary `json:"ticket"`
}

type webhookChannel struct {
	name      string
	cfg       ChannelConfig
	secret    []byte
	poster    *httpPoster
	timeout   time.Duration
	now       func() time.Time
	secretSet bool
}

func newWebhook(name string, cfg ChannelConfig, getenv func(string) string, o options) (Channel, error) {
	w := &webhookChannel{name: name, cfg: cfg, now: o.now}
	var sc scrubber
	if cfg.SecretEnv != "" {
		v, err := envValue(name, "secret_env", cfg.SecretEnv, getenv)
		if err != nil {
			return nil, err
		}
		w.secret, w.secretSet = []byte(v), true
		sc.add(v)
	}
	sc.add(urlSecrets(cfg.URL, false)...)
	client := o.client()
	w.timeout = client.Timeout
	w.poster = &httpPoster{name: name, typ: TypeWebhook, url: cfg.URL, safeURL: RedactURL(cfg.URL), client: client, scrub: sc}
	return w, nil
}

func (w *webhookChannel) Name() string { return w.name }
func (w *webhookChannel) Type() string { return TypeWebhook }

func (w *webhookChannel) Redacted() map[string]any {
	m := map[string]any{
		"name":    w.name,
		"type":    TypeWebhook,
		"url":     RedactURL(w.cfg.URL),
		"signed":  w.secretSet,
		"timeout": w.timeout.String(),
	}
	if w.cfg.SecretEnv != "" {
		m["secret_env"] = w.cfg.SecretEnv
	}
	addTemplates(m, w.cfg)
	return m
}

func (w *webhookChannel) Send(ctx context.Context, m Message) error {
	key := idempotencyKey(m.IdempotencyKey)
	ts := w.now().Unix()
	body, err := json.Marshal(WebhookPayload{
		IdempotencyKey: key,
		Timestamp:      ts,
		Channel:        w.name,
		Subject:        cleanLine(m.Subject),
		Text:           cleanText(m.Text),
		Note:           cleanText(m.Note),
		Ticket:         cleanSummary(m.Ticket),
	})
	if err != nil {
		return &SendError{Channel: w.name, Type: TypeWebhook, Permanent: true, Err: err}
	}
	hdr := http.Header{}
	hdr.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	hdr.Set(HeaderIdempotencyKey, key)
	if w.secretSet {
		hdr.Set(HeaderSignature, Sign(w.secret, body))
	}
	return w.poster.post(ctx, body, hdr)
}

// Sign returns the X-Ticketctl-Signature value for body: "sha256=" followed by
// the hex HMAC-SHA256 of the exact body bytes under secret.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature reports whether header (an X-Ticketctl-Signature value) is
// the HMAC-SHA256 of body under secret. It compares in constant time; an empty
// secret or a malformed header never verifies.
func VerifySignature(secret, body []byte, header string) bool {
	if len(secret) == 0 {
		return false
	}
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// idempotencyKey returns k cleaned for use in headers, or a random key.
func idempotencyKey(k string) string {
	if k = cleanLine(k); k != "" {
		return k
	}
	return randomKey()
}

func addTemplates(m map[string]any, cfg ChannelConfig) {
	if cfg.SubjectTemplate != "" {
		m["subject_template"] = cfg.SubjectTemplate
	}
	if cfg.BodyTemplate != "" {
		m["body_template"] = cfg.BodyTemplate
	}
	if cfg.LinkTemplate != "" {
		m["link_template"] = cfg.LinkTemplate
	}
}

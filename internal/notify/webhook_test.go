package notify

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

type capturedRequest struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// hookServer records requests and answers with status (and body).
type hookServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []capturedRequest
}

func newHookServer(t *testing.T, handler func(w http.ResponseWriter, r *http.Request)) *hookServer {
	t.Helper()
	hs := &hookServer{}
	hs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		hs.mu.Lock()
		hs.reqs = append(hs.reqs, capturedRequest{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
		hs.mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(hs.Close)
	return hs
}

func (hs *hookServer) requests() []capturedRequest {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	return append([]capturedRequest(nil), hs.reqs...)
}

func status(code int, body string, hdr ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

const hookSecret = "whsec-4f1b7c0d9e2a-topsecret"

func hookEnv(k string) string {
	if k == "HOOK_SECRET" {
		return hookSecret
	}
	return ""
}

func TestWebhookSendSigned(t *testing.T) {
	hs := newHookServer(t, status(204, ""))
	cfg := ChannelConfig{Type: "webhook", URL: hs.URL + "/hook", SecretEnv: "HOOK_SECRET", LinkTemplate: "https://support.example.com/tickets/{{.ID}}"}
	now := time.Unix(1_700_000_000, 0)
	ch, err := New("ops-hook", cfg, hookEnv, WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := Render(cfg, testTicket(), "please look\x1b]0;pwned\x07")
	if err != nil {
		t.Fatal(err)
	}
	msg.IdempotencyKey = "notif-123"
	if err := ch.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	reqs := hs.requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Path != "/hook" {
		t.Errorf("request %s %s", r.Method, r.Path)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if !VerifySignature([]byte(hookSecret), r.Body, r.Header.Get(HeaderSignature)) {
		t.Errorf("signature %q does not verify", r.Header.Get(HeaderSignature))
	}
	if VerifySignature([]byte("wrong-secret"), r.Body, r.Header.Get(HeaderSignature)) {
		t.Error("signature verifies with the wrong secret")
	}
	if ts := r.Header.Get(HeaderTimestamp); ts != strconv.FormatInt(now.Unix(), 10) {
		t.Errorf("%s = %q", HeaderTimestamp, ts)
	}
	if k := r.Header.Get(HeaderIdempotencyKey); k != "notif-123" {
		t.Errorf("%s = %q", HeaderIdempotencyKey, k)
	}
	var p WebhookPayload
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, r.Body)
	}
	want := TicketSummary{
		ID: "65f0c0ffee0123456789abcd", Title: "Login <script>alert(1)</script> & fails[31m",
		Status: "in progress", Priority: "P1", Severity: "critical", Server: "detroit", Team: "billing",
		Tags: []string{"login", "billing"}, URL: "https://support.example.com/tickets/65f0c0ffee0123456789abcd",
	}
	if !equalSummary(p.Ticket, want) {
		t.Errorf("ticket = %+v\nwant %+v", p.Ticket, want)
	}
	if p.IdempotencyKey != "notif-123" || p.Timestamp != now.Unix() || p.Channel != "ops-hook" {
		t.Errorf("payload meta = %q %d %q", p.IdempotencyKey, p.Timestamp, p.Channel)
	}
	if p.Note != "please look]0;pwned" {
		t.Errorf("note = %q (control characters must be stripped)", p.Note)
	}
	if strings.Contains(string(r.Body), hookSecret) {
		t.Error("secret in body")
	}
}

func equalSummary(a, b TicketSummary) bool {
	return a.ID == b.ID && a.Title == b.Title && a.Status == b.Status && a.Priority == b.Priority &&
		a.Severity == b.Severity && a.Server == b.Server && a.Team == b.Team && a.URL == b.URL &&
		strings.Join(a.Tags, "\x00") == strings.Join(b.Tags, "\x00")
}

func TestWebhookUnsignedWithoutSecret(t *testing.T) {
	hs := newHookServer(t, status(200, "ok"))
	cfg := ChannelConfig{Type: "webhook", URL: hs.URL}
	ch, err := New("hook", cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := Render(cfg, testTicket(), "")
	if err := ch.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	r := hs.requests()[0]
	if v, ok := r.Header[HeaderSignature]; ok {
		t.Errorf("signature header present without a secret: %q", v)
	}
	if r.Header.Get(HeaderTimestamp) == "" {
		t.Error("timestamp header missing")
	}
	if r.Header.Get(HeaderIdempotencyKey) == "" {
		t.Error("empty IdempotencyKey should be replaced by a generated one")
	}
}

func TestWebhookStatusClassification(t *testing.T) {
	tests := []struct {
		name          string
		handler       func(http.ResponseWriter, *http.Request)
		wantErr       bool
		wantPermanent bool
		wantCode      int
		wantRetry     time.Duration
	}{
		{"200 ok", status(200, ""), false, false, 0, 0},
		{"202 ok", status(202, ""), false, false, 0, 0},
		{"500 temporary", status(500, "boom"), true, false, 500, 0},
		{"503 with Retry-After", status(503, "", "Retry-After", "7"), true, false, 503, 7 * time.Second},
		{"429 temporary", status(429, "slow down", "Retry-After", "120"), true, false, 429, 2 * time.Minute},
		{"408 temporary", status(408, ""), true, false, 408, 0},
		{"400 permanent", status(400, "bad payload"), true, true, 400, 0},
		{"401 permanent", status(401, "bad signature"), true, true, 401, 0},
		{"404 permanent", status(404, ""), true, true, 404, 0},
		{"302 not followed, permanent", status(302, "", "Location", "http://127.0.0.1:1/elsewhere"), true, true, 302, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs := newHookServer(t, tc.handler)
			cfg := ChannelConfig{Type: "webhook", URL: hs.URL + "/hook?token=querytoken-abcdef", SecretEnv: "HOOK_SECRET"}
			ch, err := New("hook", cfg, hookEnv)
			if err != nil {
				t.Fatal(err)
			}
			err = ch.Send(context.Background(), Message{Subject: "s", Text: "t", IdempotencyKey: "k"})
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if n := len(hs.requests()); n != 1 {
				t.Errorf("server got %d requests, want 1", n)
			}
			if err == nil {
				return
			}
			t.Logf("error: %v", err)
			if IsPermanent(err) != tc.wantPermanent {
				t.Errorf("IsPermanent = %v, want %v", IsPermanent(err), tc.wantPermanent)
			}
			var se *SendError
			if !errors.As(err, &se) || se.Code != tc.wantCode {
				t.Errorf("SendError code = %+v, want %d", se, tc.wantCode)
			}
			if !strings.Contains(err.Error(), strconv.Itoa(tc.wantCode)) {
				t.Errorf("error %q lacks the status code", err)
			}
			if RetryAfter(err) != tc.wantRetry {
				t.Errorf("RetryAfter = %v, want %v", RetryAfter(err), tc.wantRetry)
			}
			for _, secret := range []string{hookSecret, "querytoken-abcdef"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error leaks %q: %v", secret, err)
				}
			}
		})
	}
}

func TestWebhookErrorsNeverLeakSecrets(t *testing.T) {
	// The receiver echoes the request URL and headers back in its error body.
	hs := newHookServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		_, _ = io.WriteString(w, "rejected "+r.URL.String()+" "+r.Header.Get("Authorization"))
	})
	host := strings.TrimPrefix(hs.URL, "http://")
	cfg := ChannelConfig{Type: "webhook", URL: "http://hookuser:basicpass-9876@" + host + "/hook?api_key=qk-5555-secret&x=1", SecretEnv: "HOOK_SECRET"}
	ch, err := New("hook", cfg, hookEnv)
	if err != nil {
		t.Fatal(err)
	}
	err = ch.Send(context.Background(), Message{Text: "t", IdempotencyKey: "k"})
	if err == nil {
		t.Fatal("want error")
	}
	t.Logf("error: %v", err)
	basic := base64.StdEncoding.EncodeToString([]byte("hookuser:basicpass-9876"))
	for _, secret := range []string{hookSecret, "basicpass-9876", "qk-5555-secret", basic} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error leaks %q: %v", secret, err)
		}
	}
	if !strings.Contains(err.Error(), "/hook") || !strings.Contains(err.Error(), "400") {
		t.Errorf("error should still say where and what: %v", err)
	}
}

func TestWebhookNetworkErrorsTemporary(t *testing.T) {
	release := make(chan struct{})
	slow := newHookServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) })
	tests := []struct {
		name string
		url  string
		opts []Option
	}{
		{"timeout", slow.URL + "/hook?token=tok-abcdefgh", []Option{WithTimeout(100 * time.Millisecond)}},
		{"connection refused", "http://127.0.0.1:" + strconv.Itoa(closedPort(t)) + "/hook?token=tok-abcdefgh", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := New("hook", ChannelConfig{Type: "webhook", URL: tc.url}, nil, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			err = ch.Send(context.Background(), Message{Text: "t"})
			if err == nil {
				t.Fatal("want error")
			}
			t.Logf("error: %v", err)
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v; timeout not applied", time.Since(start))
			}
			if IsPermanent(err) {
				t.Errorf("network error reported permanent: %v", err)
			}
			if strings.Contains(err.Error(), "tok-abcdefgh") {
				t.Errorf("error leaks query token: %v", err)
			}
		})
	}
}

func TestDefaultHTTPTimeout(t *testing.T) {
	ch, err := New("hook", ChannelConfig{Type: "webhook", URL: "https://example.com/h"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := ch.(*webhookChannel).poster.client.Timeout; got != 10*time.Second {
		t.Errorf("default timeout = %v, want 10s", got)
	}
	ch, _ = New("hook", ChannelConfig{Type: "webhook", URL: "https://example.com/h"}, nil, WithTimeout(time.Second))
	if got := ch.(*webhookChannel).poster.client.Timeout; got != time.Second {
		t.Errorf("overridden timeout = %v, want 1s", got)
	}
}

func TestVerifySignature(t *testing.T) {
	secret := []byte("s3cret")
	body := []byte(`{"a":1}`)
	good := Sign(secret, body)
	tests := []struct {
		name   string
		secret []byte
		body   []byte
		header string
		want   bool
	}{
		{"valid", secret, body, good, true},
		{"valid upper-case hex", secret, body, "sha256=" + strings.ToUpper(strings.TrimPrefix(good, "sha256=")), true},
		{"wrong secret", []byte("other"), body, good, false},
		{"tampered body", secret, []byte(`{"a":2}`), good, false},
		{"missing prefix", secret, body, strings.TrimPrefix(good, "sha256="), false},
		{"wrong algorithm", secret, body, "sha1=" + strings.TrimPrefix(good, "sha256="), false},
		{"bad hex", secret, body, "sha256=zz", false},
		{"truncated", secret, body, good[:len(good)-2], false},
		{"empty header", secret, body, "", false},
		{"empty secret", nil, body, Sign(nil, body), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := VerifySignature(tc.secret, tc.body, tc.header); got != tc.want {
				t.Errorf("VerifySignature = %v, want %v", got, tc.want)
			}
		})
	}
	// Known answer (RFC 4231-style check against an independent value).
	if got := Sign([]byte("key"), []byte("The quick brown fox jumps over the lazy dog")); got != "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8" {
		t.Errorf("Sign known answer = %s", got)
	}
}

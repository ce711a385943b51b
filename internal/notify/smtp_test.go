package notify

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	smtpd "github.com/emersion/go-smtp"
)

// received is one message accepted by the test SMTP server.
type received struct {
	From string
	To   []string
	Data []byte
	User string // authenticated user, "" if none
	TLS  bool
}

type testBackend struct {
	mu       sync.Mutex
	msgs     []received
	user     string // when set, AUTH PLAIN with user/pass is required
	pass     string
	rcptFail *smtpd.SMTPError // when set, RCPT TO answers with it
}

func (b *testBackend) NewSession(c *smtpd.Conn) (smtpd.Session, error) {
	return &testSession{b: b, conn: c}, nil
}

func (b *testBackend) messages() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.msgs...)
}

type testSession struct {
	b    *testBackend
	conn *smtpd.Conn
	user string
	cur  received
}

func (s *testSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *testSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if s.b.user == "" || username != s.b.user || password != s.b.pass {
			return smtpd.ErrAuthFailed
		}
		s.user = username
		return nil
	}), nil
}

func (s *testSession) Mail(from string, _ *smtpd.MailOptions) error {
	if s.b.user != "" && s.user == "" {
		return smtpd.ErrAuthRequired
	}
	s.cur = received{From: from, User: s.user}
	return nil
}

func (s *testSession) Rcpt(to string, _ *smtpd.RcptOptions) error {
	if s.b.rcptFail != nil {
		return s.b.rcptFail
	}
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *testSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = data
	_, s.cur.TLS = s.conn.TLSConnectionState()
	s.b.mu.Lock()
	s.b.msgs = append(s.b.msgs, s.cur)
	s.b.mu.Unlock()
	return nil
}

func (s *testSession) Reset()        { s.cur = received{} }
func (s *testSession) Logout() error { return nil }

type serverOpts struct {
	user, pass string
	startTLS   *tls.Config // advertise STARTTLS with this config
	implicit   *tls.Config // TLS from the first byte
	rcptFail   *smtpd.SMTPError
}

// startSMTP runs an in-process SMTP server on 127.0.0.1:0 and returns its
// backend and port.
func startSMTP(t *testing.T, o serverOpts) (*testBackend, int) {
	t.Helper()
	be := &testBackend{user: o.user, pass: o.pass, rcptFail: o.rcptFail}
	srv := smtpd.NewServer(be)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = nopLogger{}
	srv.TLSConfig = o.startTLS
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if o.implicit != nil {
		l = tls.NewListener(l, o.implicit)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return be, l.Addr().(*net.TCPAddr).Port
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Println(...any)        {}

// selfSigned makes a CA-less self-signed certificate for 127.0.0.1 and
// returns the server config and a pool trusting it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// parsedMail is a received email split into headers and decoded parts.
type parsedMail struct {
	Header netmail.Header
	Parts  map[string]string // content type (no params) → decoded body
}

func parseMail(t *testing.T, data []byte) parsedMail {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("parse mail: %v\n%s", err, data)
	}
	out := parsedMail{Header: msg.Header, Parts: map[string]string{}}
	ct, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("content type: %v", err)
	}
	if !strings.HasPrefix(ct, "multipart/") {
		body, _ := io.ReadAll(msg.Body)
		out.Parts[ct] = string(body)
		return out
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		pct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		body, _ := io.ReadAll(p)
		out.Parts[pct] = string(body)
	}
	return out
}

func decodeHeader(t *testing.T, v string) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(v)
	if err != nil {
		t.Fatalf("decode header %q: %v", v, err)
	}
	return s
}

func testTicket() TicketSummary {
	return TicketSummary{
		ID: "65f0c0ffee0123456789abcd", Title: "Login <script>alert(1)</script> & fails\x1b[31m",
		Status: "in progress", Priority: "P1", Severity: "critical", Server: "detroit",
		Team: "billing", Tags: []string{"login", "billing"},
	}
}

func TestSMTPSendDelivers(t *testing.T) {
	const secretPW = "hunter2-very-secret-pw"
	srvTLS, pool := selfSigned(t)
	tests := []struct {
		name     string
		srv      serverOpts
		cfg      func(port int) ChannelConfig
		wantUser string
		wantTLS  bool
	}{
		{
			name: "plain relay no auth",
			cfg: func(port int) ChannelConfig {
				return ChannelConfig{Type: "smtp", Host: "127.0.0.1", Port: port, From: "Ticketctl <noreply@example.com>", TLS: "none"}
			},
		},
		{
			name: "plain with AUTH PLAIN",
			srv:  serverOpts{user: "mailer", pass: secretPW},
			cfg: func(port int) ChannelConfig {
				return ChannelConfig{Type: "smtp", Host: "127.0.0.1", Port: port, From: "noreply@example.com", TLS: "none", Username: "mailer", PasswordEnv: "SMTP_PW"}
			},
			wantUser: "mailer",
		},
		{
			name: "starttls with auth",
			srv:  serverOpts{user: "mailer", pass: secretPW, startTLS: srvTLS},
			cfg: func(port int) ChannelConfig {
				return ChannelConfig{Type: "smtp", Host: "127.0.0.1", Port: port, From: "noreply@example.com", TLS: "starttls", Username: "mailer", PasswordEnv: "SMTP_PW"}
			},
			wantUser: "mailer", wantTLS: true,
		},
		{
			name: "implicit tls",
			srv:  serverOpts{implicit: srvTLS},
			cfg: func(port int) ChannelConfig {
				return ChannelConfig{Type: "smtp", Host: "127.0.0.1", Port: port, From: "noreply@example.com", TLS: "implicit"}
			},
			wantTLS: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			be, port := startSMTP(t, tc.srv)
			cfg := tc.cfg(port)
			env := map[string]string{"SMTP_PW": secretPW}
			ch, err := New("mail", cfg, func(k string) string { return env[k] }, WithTLSConfig(&tls.Config{RootCAs: pool}), WithTimeout(10*time.Second))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			msg, err := Render(cfg, testTicket(), "Customer says: <b>urgent</b> & \"now\"\x07\nsecond line")
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			msg.Recipients = []string{"alice@example.com", "bob@example.com"}
			msg.IdempotencyKey = "65f0c0ffee0123456789ffff"
			if err := ch.Send(context.Background(), msg); err != nil {
				t.Fatalf("Send: %v", err)
			}
			msgs := be.messages()
			if len(msgs) != 1 {
				t.Fatalf("server got %d messages, want 1", len(msgs))
			}
			got := msgs[0]
			if got.From != "noreply@example.com" {
				t.Errorf("MAIL FROM = %q", got.From)
			}
			if strings.Join(got.To, ",") != "alice@example.com,bob@example.com" {
				t.Errorf("RCPT TO = %v", got.To)
			}
			if got.User != tc.wantUser {
				t.Errorf("authenticated user = %q, want %q", got.User, tc.wantUser)
			}
			if got.TLS != tc.wantTLS {
				t.Errorf("TLS = %v, want %v", got.TLS, tc.wantTLS)
			}
			if strings.Contains(string(got.Data), secretPW) {
				t.Error("password leaked into the message")
			}
			pm := parseMail(t, got.Data)
			h := pm.Header
			if from, err := netmail.ParseAddress(decodeHeader(t, h.Get("From"))); err != nil || from.Address != "noreply@example.com" {
				t.Errorf("From header = %q (%v)", h.Get("From"), err)
			}
			to, err := h.AddressList("To")
			if err != nil || len(to) != 2 || to[0].Address != "alice@example.com" || to[1].Address != "bob@example.com" {
				t.Errorf("To header = %q (%v)", h.Get("To"), err)
			}
			wantSubj := "[ticketctl] P1 Login <script>alert(1)</script> & fails[31m (in progress)"
			if s := decodeHeader(t, h.Get("Subject")); s != wantSubj {
				t.Errorf("Subject = %q, want %q", s, wantSubj)
			}
			if id := h.Get("Message-Id"); id != "<ticketctl.65f0c0ffee0123456789ffff@example.com>" {
				t.Errorf("Message-ID = %q", id)
			}
			if v := h.Get(HeaderTicket); v != "65f0c0ffee0123456789abcd" {
				t.Errorf("%s = %q", HeaderTicket, v)
			}
			if v := h.Get(HeaderIdempotencyKey); v != "65f0c0ffee0123456789ffff" {
				t.Errorf("%s = %q", HeaderIdempotencyKey, v)
			}
			text, html := pm.Parts["text/plain"], pm.Parts["text/html"]
			if text == "" || html == "" {
				t.Fatalf("want text and html parts, got %v", keys(pm.Parts))
			}
			if !strings.Contains(text, "Login <script>alert(1)</script> & fails") || !strings.Contains(text, "Customer says: <b>urgent</b>") {
				t.Errorf("text part lacks the ticket text:\n%s", text)
			}
			if strings.Contains(html, "<script>") || strings.Contains(html, "<b>urgent") {
				t.Errorf("html part not escaped:\n%s", html)
			}
			if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; fails") || !strings.Contains(html, "&lt;b&gt;urgent&lt;/b&gt;") {
				t.Errorf("html part lacks escaped ticket text:\n%s", html)
			}
			for part, body := range pm.Parts {
				if strings.ContainsAny(body, "\x1b\x07") {
					t.Errorf("%s part contains control characters: %q", part, body)
				}
			}
		})
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestSMTPResendKeepsMessageID(t *testing.T) {
	be, port := startSMTP(t, serverOpts{})
	cfg := ChannelConfig{Type: "smtp", Host: "127.0.0.1", Port: port, From: "noreply@example.com", TLS: "none"}
	ch, err := New("mail", cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := Render(cfg, testTicket(), "")
	if err != nil {
		t.Fatal(err)
	}
	msg.Recipients = []string{"alice@example.com"}
	msg.IdempotencyKey = "outbox/42 weird key"
	for range 2 {
		if err := ch.Send(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
	}
	msgs := be.messages()
	if len(msgs) != 2 {
		t.Fatalf("got %d messages", len(msgs))
	}
	id1 := parseMail(t, msgs[0].Data).Header.Get("Message-Id")
	id2 := parseMail(t, msgs[1].Data).Header.Get("Message-Id")
	if id1 == "" || id1 != id2 {
		t.Errorf("Message-IDs differ or empty: %q vs %q", id1, id2)
	}
	if id1 != "<"+MessageID("outbox/42 weird key", "noreply@example.com")+">" || strings.Contains(id1, " ") {
		t.Errorf("Message-ID %q not derived from key", id1)
	}
}

func TestSMTPErrors(t *testing.T) {
	const secretPW = "correct-horse-battery-staple"
	srvTLS, _ := selfSigned(t)
	tests := []struct {
		name          string
		srv           serverOpts
		cfg           func(port int) ChannelConfig
		password      string
		recipients    []string
		wantPermanent bool
		wantCode      int
		wantIn        string
	}{
		{
			name: "wrong password is SMTP 535, permanent",
			srv:  serverOpts{user: "mailer", pass: "other-password"},
			cfg: func(port int) ChannelConfig {
				return ChannelConfig{Type: "smtp", Host: "127.0.0.1", Port: port, From: "n@example.com", TLS: "none", Username: "mailer", PasswordEnv: "SMTP_PW"}
			},
			password: secretPW, recipients: []string{"a@example.com"},
			wantPermanent: true, wantCode: 535,
		},
		{
			name: "RCPT 450 is temporary",
			srv:  serverOpts{rcptFail: &smtpd.SMTPError{Code: 450, EnhancedCode: smtpd.EnhancedCode{4, 2, 1}, Message: "mailbox busy"}},
			cfg: func(port int) ChannelConfig {
				return ChannelConfig{Type: "smtp", Host: "127.0.0.1", Port: port, From: "n@example.com", TLS: "none"}
			},
			recipients: []string{"a@example.com"}, wantPermanent: false, wantCode: 450,
		},
		{
			name: "RCPT 550 is permanent",
			srv:  serverOpts{rcptFail: &smtpd.SMTPError{Code: 550, EnhancedCode: smtpd.EnhancedCode{5, 1, 1}, Message: "no such user"}},
			cfg: func(port int) ChannelConfig {
				return ChannelConfig{Type: "smtp", Host: "127.0.0.1", Port: port, From: "n@example.com", TLS: "none"}
			},
			recipients: []string{"a@example.com"}, wantPermanent: true, wantCode: 550,
		},
		{
			name: "starttls required but not offered is permanent",
			cfg: func(port int) ChannelConfig {
				return ChannelConfig{Type: "smtp", Host: "127.0.0.1", Port: port, From: "n@example.com", TLS: "starttls"}
			},
			recipients: []string{"a@example.com"}, wantPermanent: true, wantIn: "STARTTLS",
		},
		{
			name: "untrusted certificate is refused (verified by default)",
			srv:  serverOpts{startTLS: srvTLS},
			cfg: func(port int) ChannelConfig {
				return ChannelConfig{Type: "smtp", Host: "127.0.0.1", Port: port, From: "n@example.com", TLS: "starttls"}
			},
			recipients: []string{"a@example.com"}, wantPermanent: false, wantIn: "certificate",
		},
		{
			name: "connection refused is temporary",
			cfg: func(int) ChannelConfig {
				return ChannelConfig{Type: "smtp", Host: "127.0.0.1", Port: closedPort(t), From: "n@example.com", TLS: "none"}
			},
			recipients: []string{"a@example.com"}, wantPermanent: false,
		},
		{
			name: "no recipients is permanent",
			cfg: func(port int) ChannelConfig {
				return ChannelConfig{Type: "smtp", Host: "127.0.0.1", Port: port, From: "n@example.com", TLS: "none"}
			},
			wantPermanent: true, wantIn: "no recipients",
		},
		{
			name: "bad recipient is permanent",
			cfg: func(port int) ChannelConfig {
				return ChannelConfig{Type: "smtp", Host: "127.0.0.1", Port: port, From: "n@example.com", TLS: "none"}
			},
			recipients: []string{"not an address"}, wantPermanent: true, wantIn: "recipient",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			be, port := startSMTP(t, tc.srv)
			cfg := tc.cfg(port)
			// No WithTLSConfig: the default must verify certificates.
			ch, err := New("mail", cfg, func(string) string { return tc.password }, WithTimeout(5*time.Second))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			msg, err := Render(cfg, testTicket(), "")
			if err != nil {
				t.Fatal(err)
			}
			msg.Recipients = tc.recipients
			msg.IdempotencyKey = "k1"
			err = ch.Send(context.Background(), msg)
			if err == nil {
				t.Fatal("Send succeeded, want error")
			}
			t.Logf("error: %v", err)
			if got := IsPermanent(err); got != tc.wantPermanent {
				t.Errorf("IsPermanent = %v, want %v (err: %v)", got, tc.wantPermanent, err)
			}
			var se *SendError
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not *SendError", err)
			}
			if tc.wantCode != 0 && se.Code != tc.wantCode {
				t.Errorf("Code = %d, want %d (err: %v)", se.Code, tc.wantCode, err)
			}
			if tc.wantIn != "" && !strings.Contains(err.Error(), tc.wantIn) {
				t.Errorf("error %q does not mention %q", err, tc.wantIn)
			}
			if tc.password != "" && strings.Contains(err.Error(), tc.password) {
				t.Errorf("error leaks the password: %v", err)
			}
			if n := len(be.messages()); n != 0 {
				t.Errorf("server accepted %d messages", n)
			}
		})
	}
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return port
}

func TestMessageID(t *testing.T) {
	tests := []struct{ key, from, want string }{
		{"65f0c0ffee0123456789ffff", "a@example.com", "ticketctl.65f0c0ffee0123456789ffff@example.com"},
		{"abc", "Support <help@Support.Example.COM>", "ticketctl.abc@support.example.com"},
		{"a b<c>", "a@example.com", "ticketctl." + hashKey("a b<c>") + "@example.com"},
		{"k", "not-an-address", "ticketctl.k@ticketctl.invalid"},
	}
	for _, tc := range tests {
		if got := MessageID(tc.key, tc.from); got != tc.want {
			t.Errorf("MessageID(%q, %q) = %q, want %q", tc.key, tc.from, got, tc.want)
		}
	}
	if MessageID("a b", "a@example.com") == MessageID("a c", "a@example.com") {
		t.Error("different keys give the same Message-ID")
	}
}

func hashKey(k string) string {
	id := MessageID(k, "x@y.z")
	return strings.TrimSuffix(strings.TrimPrefix(id, "ticketctl."), "@y.z")
}

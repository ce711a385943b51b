package notify

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Email headers set besides Subject, From, To, Date and Message-ID.
const (
	HeaderTicket = "X-Ticketctl-Ticket" // the ticket id
)

type smtpChannel struct {
	name     string
	cfg      ChannelConfig
	password string
	timeout  time.Duration
	tls      *tls.Config
	scrub    scrubber
}

func newSMTP(name string, cfg ChannelConfig, getenv func(string) string, o options) (Channel, error) {
	s := &smtpChannel{name: name, cfg: cfg, timeout: DefaultSMTPTimeout}
	if o.timeout > 0 {
		s.timeout = o.timeout
	}
	if cfg.Username != "" {
		pw, err := envValue(name, "password_env", cfg.PasswordEnv, getenv)
		if err != nil {
			return nil, err
		}
		s.password = pw
		s.scrub.add(pw)
	}
	if o.tlsConfig != nil {
		s.tls = o.tlsConfig.Clone()
	} else {
		s.tls = &tls.Config{}
	}
	if s.tls.ServerName == "" {
		s.tls.ServerName = cfg.Host
	}
	if s.tls.MinVersion < tls.VersionTLS12 {
		s.tls.MinVersion = tls.VersionTLS12
	}
	return s, nil
}

func (s *smtpChannel) Name() string { return s.name }
func (s *smtpChannel) Type() string { return TypeSMTP }

func (s *smtpChannel) Redacted() map[string]any {
	m := map[string]any{
		"name": s.name,
		"type": TypeSMTP,
		"host": s.cfg.Host,
		"port": s.cfg.port(),
		"from": s.cfg.From,
		"tls":  s.cfg.tlsMode(),
	}
	if len(s.cfg.To) > 0 {
		m["to"] = append([]string(nil), s.cfg.To...)
	}
	if s.cfg.Username != "" {
		m["username"] = s.cfg.Username
		m["password_env"] = s.cfg.PasswordEnv
		m["password_set"] = s.password != ""
	}
	addTemplates(m, s.cfg)
	return m
}

func (s *smtpChannel) addr() string {
	return net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.port()))
}

func (s *smtpChannel) permanent(format string, args ...any) error {
	return &SendError{Channel: s.name, Type: TypeSMTP, Permanent: true, Err: errors.New(s.scrub.scrub(fmt.Sprintf(format, args...)))}
}

// Send sends m as a multipart text+HTML email to m.Recipients.
func (s *smtpChannel) Send(ctx context.Context, m Message) error {
	if len(m.Recipients) == 0 {
		return s.permanent("message has no recipients")
	}
	for _, r := range m.Recipients {
		if _, err := netmail.ParseAddress(r); err != nil {
			return s.permanent("recipient %q: %v", cleanLine(r), err)
		}
	}
	key := idempotencyKey(m.IdempotencyKey)

	msg := mail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return s.permanent("from %q: %v", s.cfg.From, err)
	}
	if err := msg.To(m.Recipients...); err != nil {
		return s.permanent("recipients: %v", err)
	}
	msg.Subject(cleanLine(m.Subject))
	msg.SetDate()
	msg.SetMessageIDWithValue(MessageID(key, s.cfg.From))
	if id := cleanLine(m.Ticket.ID); id != "" {
		msg.SetGenHeader(mail.Header(HeaderTicket), id)
	}
	msg.SetGenHeader(mail.Header(HeaderIdempotencyKey), key)
	// RFC 3834: tells vacation responders not to answer.
	msg.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(mail.TypeTextPlain, cleanText(m.Text)+"\n")
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}

	opts := []mail.Option{
		mail.WithPort(s.cfg.port()),
		mail.WithTimeout(s.timeout),
		mail.WithTLSConfig(s.tls),
	}
	switch s.cfg.tlsMode() {
	case TLSImplicit:
		opts = append(opts, mail.WithSSL())
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		authType := mail.SMTPAuthAutoDiscover
		if s.cfg.tlsMode() == TLSNone {
			// Validate allowed this only for a loopback host.
			authType = mail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, mail.WithSMTPAuth(authType), mail.WithUsername(s.cfg.Username), mail.WithPassword(s.password))
	}
	client, err := mail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return s.permanent("smtp %s: %v", s.addr(), err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		code, permanent := classifySMTP(err)
		return &SendError{
			Channel: s.name, Type: TypeSMTP, Code: code, Permanent: permanent,
			Err: s.scrub.sanitizeErr(fmt.Errorf("smtp %s: %w", s.addr(), err), ""),
		}
	}
	return nil
}

// classifySMTP: reply 5xx → permanent, 4xx → temporary; a server lacking a
// capability the config requires (STARTTLS, AUTH mechanism) → permanent;
// bad addresses → permanent; everything else (network, TLS, timeouts) →
// temporary.
func classifySMTP(err error) (code int, permanent bool) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return 0, false
	}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code, tp.Code >= 500
	}
	var se *mail.SendError
	if errors.As(err, &se) {
		if c := se.ErrorCode(); c >= 400 {
			return c, c >= 500
		}
		switch se.Reason {
		case mail.ErrGetSender, mail.ErrGetRcpts, mail.ErrNoUnencoded:
			return 0, true
		}
		return 0, !se.IsTemp() && replyCode(err.Error()) >= 500
	}
	for _, target := range []error{
		mail.ErrPlainAuthNotSupported, mail.ErrLoginAuthNotSupported, mail.ErrNTLMAuthNotSupported,
		mail.ErrNoSupportedAuthDiscovered, mail.ErrCramMD5AuthNotSupported, mail.ErrXOauth2AuthNotSupported,
		mail.ErrSCRAMSHA1AuthNotSupported, mail.ErrSCRAMSHA256AuthNotSupported,
		mail.ErrSCRAMSHA1PLUSAuthNotSupported, mail.ErrSCRAMSHA256PLUSAuthNotSupported,
	} {
		if errors.Is(err, target) {
			return 0, true
		}
	}
	msg := err.Error()
	if strings.Contains(msg, "does not support STARTTLS") || strings.Contains(msg, "does not support SMTP AUTH") {
		return 0, true
	}
	if c := replyCode(msg); c != 0 {
		return c, c >= 500
	}
	return 0, false
}

var replyCodeRE = regexp.MustCompile(`(?:^|: )([45][0-9][0-9])[ -]`)

// replyCode finds an SMTP reply code in an error text go-mail flattened.
func replyCode(msg string) int {
	m := replyCodeRE.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	c, _ := strconv.Atoi(m[1])
	return c
}

var safeMsgIDLocal = regexp.MustCompile(`^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$`)
var safeDomain = regexp.MustCompile(`^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$`)

// MessageID returns the Message-ID (without angle brackets) for an email
// with idempotency key key sent from from: "ticketctl.<key>@<from's domain>",
// so every resend of one notification carries the same Message-ID. A key
// with characters not allowed there is replaced by its SHA-256 (hex, 32).
func MessageID(key, from string) string {
	local := key
	if len(local) > 64 || !safeMsgIDLocal.MatchString(local) {
		sum := sha256.Sum256([]byte(key))
		local = hex.EncodeToString(sum[:16])
	}
	domain := "ticketctl.invalid"
	if a, err := netmail.ParseAddress(from); err == nil {
		if i := strings.LastIndexByte(a.Address, '@'); i >= 0 && safeDomain.MatchString(a.Address[i+1:]) {
			domain = strings.ToLower(a.Address[i+1:])
		}
	}
	return "ticketctl." + local + "@" + domain
}

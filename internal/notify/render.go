package notify

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"unicode"
	"unicode/utf8"
)

// TicketSummary is what a notification says about a ticket. The caller fills
// it from the ticket; Render cleans it (control characters removed).
type TicketSummary struct {
	ID       string   `json:"id" bson:"id"` // ObjectId as hex
	Title    string   `json:"title" bson:"title"`
	Status   string   `json:"status" bson:"status"`
	Priority string   `json:"priority" bson:"priority"`
	Severity string   `json:"severity" bson:"severity"`
	Server   string   `json:"server" bson:"server"` // server name
	Team     string   `json:"team" bson:"team"`
	Tags     []string `json:"tags" bson:"tags"`
	URL      string   `json:"url" bson:"url"` // set by link_template when configured
}

// Message is a rendered notification, ready to store in the outbox and send.
// Subject, Text and HTML are final for the channel type they were rendered
// for (Slack text is already mrkdwn-escaped). The outbox sets Recipients
// (smtp) and IdempotencyKey (stable across retries, e.g. the outbox id).
type Message struct {
	Subject        string        `json:"subject" bson:"subject"`
	Text           string        `json:"text" bson:"text"`
	HTML           string        `json:"html,omitempty" bson:"html,omitempty"` // smtp only
	Recipients     []string      `json:"recipients,omitempty" bson:"recipients,omitempty"`
	IdempotencyKey string        `json:"idempotency_key" bson:"idempotency_key"`
	Ticket         TicketSummary `json:"ticket" bson:"ticket"`
	Note           string        `json:"note,omitempty" bson:"note,omitempty"`
}

// TemplateData is what subject_template, body_template and link_template see:
// the ticket summary's fields ({{.ID}}, {{.Title}}, {{.Status}}, {{.Priority}},
// {{.Severity}}, {{.Server}}, {{.Team}}, {{.Tags}}, {{.URL}}) and {{.Note}}.
// Functions: join, upper, lower, trim, plus the text/template builtins.
type TemplateData struct {
	TicketSummary
	Note string
}

const maxSubjectRunes = 200

// Default templates. They are text/template; the email HTML part is
// html/template.
const (
	DefaultSubjectTemplate = `[ticketctl]{{with .Priority}} {{.}}{{end}} {{.Title}}{{with .Status}} ({{.}}){{end}}`

	DefaultBodyTemplate = `Ticket {{.ID}}: {{.Title}}
{{with .Status}}Status:   {{.}}
{{end}}{{with .Priority}}Priority: {{.}}
{{end}}{{with .Severity}}Severity: {{.}}
{{end}}{{with .Server}}Server:   {{.}}
{{end}}{{with .Team}}Team:     {{.}}
{{end}}{{with .Tags}}Tags:     {{join . ", "}}
{{end}}{{with .URL}}Link:     {{.}}
{{end}}{{with .Note}}
{{.}}
{{end}}`

	// DefaultSlackBodyTemplate is Slack mrkdwn; the data it sees is already
	// escaped for Slack.
	DefaultSlackBodyTemplate = `{{if .URL}}<{{.URL}}|{{.Title}}>{{else}}{{.Title}}{{end}}` +
		`{{with .Status}} | {{.}}{{end}}{{with .Priority}} | {{.}}{{end}}{{with .Server}} | server {{.}}{{end}}` +
		`{{with .Note}}
{{.}}{{end}}`

	defaultHTMLTemplate = `<!DOCTYPE html>
<html><body style="font-family:sans-serif">
<h2>{{if .URL}}<a href="{{.URL}}">{{.Title}}</a>{{else}}{{.Title}}{{end}}</h2>
<table cellpadding="4">
{{with .ID}}<tr><th align="left">Ticket</th><td>{{.}}</td></tr>
{{end}}{{with .Status}}<tr><th align="left">Status</th><td>{{.}}</td></tr>
{{end}}{{with .Priority}}<tr><th align="left">Priority</th><td>{{.}}</td></tr>
{{end}}{{with .Severity}}<tr><th align="left">Severity</th><td>{{.}}</td></tr>
{{end}}{{with .Server}}<tr><th align="left">Server</th><td>{{.}}</td></tr>
{{end}}{{with .Team}}<tr><th align="left">Team</th><td>{{.}}</td></tr>
{{end}}{{with .Tags}}<tr><th align="left">Tags</th><td>{{join . ", "}}</td></tr>
{{end}}</table>
{{with .Note}}<p style="white-space:pre-wrap">{{.}}</p>
{{end}}</body></html>
`
	// Used for the HTML part when body_template is overridden: the rendered
	// text, escaped, so both parts say the same thing.
	textAsHTMLTemplate = `<!DOCTYPE html>
<html><body><pre style="white-space:pre-wrap;font-family:sans-serif">{{.}}</pre></body></html>
`
)

var templateFuncs = map[string]any{
	"join":  strings.Join,
	"upper": strings.ToUpper,
	"lower": strings.ToLower,
	"trim":  strings.TrimSpace,
}

type templates struct {
	typ     string
	subject *texttemplate.Template
	body    *texttemplate.Template
	link    *texttemplate.Template // nil unless link_template is set
	html    *htmltemplate.Template // smtp only
}

var sampleData = TemplateData{
	TicketSummary: TicketSummary{
		ID: "0123456789abcdef01234567", Title: "Sample title", Status: "in progress",
		Priority: "P2", Severity: "high", Server: "central", Team: "billing",
		Tags: []string{"billing", "login"}, URL: "https://example.com/tickets/0123456789abcdef01234567",
	},
	Note: "sample note",
}

// compileTemplates parses the templates of cfg and executes them once on
// sample data, so a template naming an unknown field fails at config time.
func compileTemplates(cfg ChannelConfig) (*templates, error) {
	typ := cfg.typ()
	t := &templates{typ: typ}
	bodyDefault := DefaultBodyTemplate
	switch typ {
	case TypeSMTP:
		t.html = htmltemplate.Must(htmltemplate.New("html").Funcs(templateFuncs).Parse(defaultHTMLTemplate))
	case TypeWebhook:
	case TypeSlack:
		bodyDefault = DefaultSlackBodyTemplate
	default:
		return nil, &ConfigError{Key: "type", Msg: fmt.Sprintf("unknown type %q (want smtp, webhook or slack)", cfg.Type)}
	}
	parse := func(key, src, def string) (*texttemplate.Template, error) {
		if strings.TrimSpace(src) == "" {
			src = def
		}
		tpl, err := texttemplate.New(key).Funcs(templateFuncs).Option("missingkey=error").Parse(src)
		if err != nil {
			return nil, &ConfigError{Key: key, Msg: fmt.Sprintf("invalid template: %v", err)}
		}
		if _, err := execText(tpl, sampleData); err != nil {
			return nil, &ConfigError{Key: key, Msg: fmt.Sprintf("invalid template: %v", err)}
		}
		return tpl, nil
	}
	var err error
	if t.subject, err = parse("subject_template", cfg.SubjectTemplate, DefaultSubjectTemplate); err != nil {
		return nil, err
	}
	if t.body, err = parse("body_template", cfg.BodyTemplate, bodyDefault); err != nil {
		return nil, err
	}
	if strings.TrimSpace(cfg.BodyTemplate) != "" && t.html != nil {
		t.html = htmltemplate.Must(htmltemplate.New("html").Parse(textAsHTMLTemplate))
	}
	if strings.TrimSpace(cfg.LinkTemplate) != "" {
		if t.link, err = parse("link_template", cfg.LinkTemplate, ""); err != nil {
			return nil, err
		}
		if _, err := renderLink(t.link, sampleData); err != nil {
			return nil, &ConfigError{Key: "link_template", Msg: err.Error()}
		}
	}
	return t, nil
}

func execText(t *texttemplate.Template, data any) (string, error) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

func renderLink(t *texttemplate.Template, data TemplateData) (string, error) {
	s, err := execText(t, data)
	if err != nil {
		return "", fmt.Errorf("invalid template: %v", err)
	}
	s = strings.TrimSpace(s)
	if err := checkLink(s); err != nil {
		return "", fmt.Errorf("produced %q: %v", cleanLine(s), err)
	}
	return s, nil
}

func checkLink(s string) error {
	if hasControl(s) || strings.ContainsAny(s, " \t") {
		return errors.New("a link must not contain spaces or control characters")
	}
	return checkHTTPURL(s)
}

// Render renders the notification for ticket t with an optional note, for a
// channel configured as cfg: default templates, or cfg's subject_template /
// body_template overrides; link_template (if set) makes Ticket.URL. All ticket
// text is stripped of control characters; the email HTML part is html/template
// (escaped); Slack text is escaped for Slack (&, <, >). A template error is a
// *ConfigError naming the key.
func Render(cfg ChannelConfig, t TicketSummary, note string) (Message, error) {
	tm, err := compileTemplates(cfg)
	if err != nil {
		return Message{}, err
	}
	clean := cleanSummary(t)
	note = cleanText(note)
	data := TemplateData{TicketSummary: clean, Note: note}
	if tm.link != nil {
		link, err := renderLink(tm.link, data)
		if err != nil {
			return Message{}, &ConfigError{Key: "link_template", Msg: err.Error()}
		}
		clean.URL = link
	} else if clean.URL != "" {
		if err := checkLink(clean.URL); err != nil {
			return Message{}, fmt.Errorf("notify: ticket URL: %v", err)
		}
	}
	data.URL = clean.URL

	msg := Message{Ticket: clean, Note: note}
	subj, err := execText(tm.subject, data)
	if err != nil {
		return Message{}, &ConfigError{Key: "subject_template", Msg: fmt.Sprintf("render: %v", err)}
	}
	msg.Subject = truncateRunes(cleanLine(subj), maxSubjectRunes)

	bodyData := data
	if tm.typ == TypeSlack {
		bodyData = slackData(data)
	}
	body, err := execText(tm.body, bodyData)
	if err != nil {
		return Message{}, &ConfigError{Key: "body_template", Msg: fmt.Sprintf("render: %v", err)}
	}
	msg.Text = cleanText(body)

	if tm.html != nil {
		var b bytes.Buffer
		var herr error
		if strings.TrimSpace(cfg.BodyTemplate) != "" {
			herr = tm.html.Execute(&b, msg.Text)
		} else {
			herr = tm.html.Execute(&b, data)
		}
		if herr != nil {
			return Message{}, fmt.Errorf("notify: render HTML: %v", herr)
		}
		msg.HTML = b.String()
	}
	return msg, nil
}

func cleanSummary(t TicketSummary) TicketSummary {
	out := TicketSummary{
		ID:       cleanLine(t.ID),
		Title:    cleanLine(t.Title),
		Status:   cleanLine(t.Status),
		Priority: cleanLine(t.Priority),
		Severity: cleanLine(t.Severity),
		Server:   cleanLine(t.Server),
		Team:     cleanLine(t.Team),
		URL:      strings.TrimSpace(t.URL),
		Tags:     make([]string, 0, len(t.Tags)),
	}
	for _, tag := range t.Tags {
		if tag = cleanLine(tag); tag != "" {
			out.Tags = append(out.Tags, tag)
		}
	}
	return out
}

// isInvisibleControl reports characters removed from ticket text: C0/C1
// controls (other than the line breaks and tabs handled by the callers) and
// Unicode bidi overrides, which can make text display differently from what it is.
func isInvisibleControl(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r == '\u061c', r == '\u200e', r == '\u200f',
		r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

func isLineBreak(r rune) bool {
	return r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == '\u0085' || r == '\u2028' || r == '\u2029'
}

// cleanLine makes s a single line: line breaks and tabs become spaces, runs of
// whitespace collapse, other control characters are removed.
func cleanLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	for _, r := range s {
		switch {
		case isLineBreak(r), r == '\t':
			b.WriteByte(' ')
		case isInvisibleControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// cleanText keeps line breaks (normalised to \n) and tabs and removes every
// other control character; trailing whitespace is trimmed.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case isLineBreak(r):
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte('\t')
		case isInvisibleControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimRightFunc(b.String(), unicode.IsSpace)
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, isInvisibleControl) >= 0 || !utf8.ValidString(s)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:n-1]), unicode.IsSpace) + "…"
}

var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// EscapeSlack escapes text for Slack mrkdwn (&, <, > as Slack requires) after
// removing control characters; line breaks are kept.
func EscapeSlack(s string) string { return slackEscaper.Replace(cleanText(s)) }

func escapeSlackLine(s string) string { return slackEscaper.Replace(cleanLine(s)) }

// slackLinkURL makes an http(s) URL safe inside Slack's <url|label> syntax.
func slackLinkURL(u string) string {
	return strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C", " ", "%20").Replace(u)
}

func slackData(d TemplateData) TemplateData {
	out := TemplateData{Note: EscapeSlack(d.Note)}
	out.ID = escapeSlackLine(d.ID)
	out.Title = escapeSlackLine(d.Title)
	out.Status = escapeSlackLine(d.Status)
	out.Priority = escapeSlackLine(d.Priority)
	out.Severity = escapeSlackLine(d.Severity)
	out.Server = escapeSlackLine(d.Server)
	out.Team = escapeSlackLine(d.Team)
	out.URL = slackLinkURL(d.URL)
	out.Tags = make([]string, len(d.Tags))
	for i, t := range d.Tags {
		out.Tags[i] = escapeSlackLine(t)
	}
	return out
}

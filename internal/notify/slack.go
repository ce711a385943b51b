package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// SlackPayload is the incoming-webhook body a slack channel POSTs.
type SlackPayload struct {
	Text   string       `json:"text"` // fallback for notifications; mrkdwn
	Blocks []SlackBlock `json:"blocks,omitempty"`
}

// SlackBlock is the subset of Block Kit used: section (text and/or fields)
// and context (elements).
type SlackBlock struct {
	Type     string      `json:"type"`
	Text     *SlackText  `json:"text,omitempty"`
	Fields   []SlackText `json:"fields,omitempty"`
	Elements []SlackText `json:"elements,omitempty"`
}

// SlackText is a Block Kit text object.
type SlackText struct {
	Type string `json:"type"` // "mrkdwn"
	Text string `json:"text"`
}

// Block Kit limits.
const (
	slackSectionMax = 3000
	slackFieldMax   = 2000
	slackTextMax    = 4000
)

type slackChannel struct {
	name    string
	cfg     ChannelConfig
	poster  *httpPoster
	timeout time.Duration
}

func newSlack(name string, cfg ChannelConfig, o options) Channel {
	var sc scrubber
	sc.add(urlSecrets(cfg.URL, true)...)
	client := o.client()
	return &slackChannel{
		name: name, cfg: cfg, timeout: client.Timeout,
		poster: &httpPoster{name: name, typ: TypeSlack, url: cfg.URL, safeURL: redactURLPath(cfg.URL), client: client, scrub: sc},
	}
}

func (s *slackChannel) Name() string { return s.name }
func (s *slackChannel) Type() string { return TypeSlack }

func (s *slackChannel) Redacted() map[string]any {
	m := map[string]any{
		"name":    s.name,
		"type":    TypeSlack,
		"url":     redactURLPath(s.cfg.URL),
		"timeout": s.timeout.String(),
	}
	addTemplates(m, s.cfg)
	return m
}

func (s *slackChannel) Send(ctx context.Context, m Message) error {
	body, err := json.Marshal(buildSlackPayload(m, strings.TrimSpace(s.cfg.BodyTemplate) != ""))
	if err != nil {
		return &SendError{Channel: s.name, Type: TypeSlack, Permanent: true, Err: err}
	}
	return s.poster.post(ctx, body, http.Header{})
}

// buildSlackPayload: m.Text (rendered and escaped by Render) is the
// notification text. With the default body the blocks show title (linked),
// status, priority, severity, server, team, note and ticket id; with an
// overridden body_template the blocks are that text.
func buildSlackPayload(m Message, customBody bool) SlackPayload {
	text := truncateRunes(cleanText(m.Text), slackTextMax)
	p := SlackPayload{Text: text}
	if customBody {
		if text != "" {
			p.Blocks = []SlackBlock{section(truncateRunes(text, slackSectionMax))}
		}
		return p
	}
	t := cleanSummary(m.Ticket)
	title := escapeSlackLine(t.Title)
	if title == "" {
		title = "(no title)"
	}
	head := "*" + title + "*"
	if t.URL != "" && checkLink(t.URL) == nil {
		head = "*<" + slackLinkURL(t.URL) + "|" + title + ">*"
	}
	p.Blocks = append(p.Blocks, section(truncateRunes(head, slackSectionMax)))

	var fields []SlackText
	for _, f := range []struct{ label, value string }{
		{"Status", t.Status}, {"Priority", t.Priority}, {"Severity", t.Severity},
		{"Server", t.Server}, {"Team", t.Team},
	} {
		if f.value != "" {
			fields = append(fields, SlackText{Type: "mrkdwn", Text: truncateRunes("*"+f.label+"*\n"+escapeSlackLine(f.value), slackFieldMax)})
		}
	}
	if len(fields) > 0 {
		p.Blocks = append(p.Blocks, SlackBlock{Type: "section", Fields: fields})
	}
	if note := EscapeSlack(m.Note); note != "" {
		p.Blocks = append(p.Blocks, section(truncateRunes(note, slackSectionMax)))
	}
	if t.ID != "" {
		p.Blocks = append(p.Blocks, SlackBlock{Type: "context", Elements: []SlackText{{Type: "mrkdwn", Text: "Ticket " + escapeSlackLine(t.ID)}}})
	}
	return p
}

func section(text string) SlackBlock {
	return SlackBlock{Type: "section", Text: &SlackText{Type: "mrkdwn", Text: text}}
}

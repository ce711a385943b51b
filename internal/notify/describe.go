package notify

import (
	"errors"
	"net"
	"strconv"
	"strings"
)

// ChannelInfo describes a configured channel for display. It holds no
// secret: environment variable names and whether they are set, URLs
// redacted (a Slack URL down to its host).
type ChannelInfo struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Destination string `json:"destination"`
	// SecretEnv is password_env (smtp) or secret_env (webhook).
	SecretEnv string   `json:"secret_env,omitempty"`
	SecretSet bool     `json:"secret_set"`
	To        []string `json:"to,omitempty"`
	// Settings is the channel's Redacted() view; absent when it does not build.
	Settings map[string]any `json:"settings,omitempty"`
	OK       bool           `json:"ok"`
	Error    string         `json:"error,omitempty"`
}

// Describe builds the display of channel name, also for a configuration
// that does not validate (Error says why, one line per problem joined by
// "; ").
func Describe(name string, cfg ChannelConfig, getenv func(string) string, opts ...Option) ChannelInfo {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	info := ChannelInfo{Name: name, Type: cfg.typ(), To: cfg.To}
	switch cfg.typ() {
	case TypeSMTP:
		info.Destination = net.JoinHostPort(cleanLine(cfg.Host), strconv.Itoa(cfg.port())) + " (" + cfg.tlsMode() + ")"
		info.SecretEnv = cfg.PasswordEnv
	case TypeWebhook:
		info.Destination = RedactURL(cfg.URL)
		info.SecretEnv = cfg.SecretEnv
	case TypeSlack:
		info.Destination = redactURLPath(cfg.URL)
	}
	if info.SecretEnv != "" && validEnvName(info.SecretEnv) {
		info.SecretSet = getenv(info.SecretEnv) != ""
	} else if info.SecretEnv != "" {
		// Not a variable name: perhaps the secret itself was pasted here.
		info.SecretEnv = redactedMark
	}
	ch, err := New(name, cfg, getenv, opts...)
	if err != nil {
		info.Error = joinedText(err)
		return info
	}
	info.Settings = ch.Redacted()
	info.OK = true
	return info
}

// joinedText flattens errors.Join output onto one line.
func joinedText(err error) string {
	var parts []string
	var multi interface{ Unwrap() []error }
	if errors.As(err, &multi) {
		for _, e := range multi.Unwrap() {
			parts = append(parts, cleanLine(e.Error()))
		}
		return strings.Join(parts, "; ")
	}
	return cleanLine(err.Error())
}

package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// httpPoster POSTs JSON to a webhook URL and classifies the outcome.
type httpPoster struct {
	name, typ string
	url       string
	safeURL   string // what errors may show of url
	client    *http.Client
	scrub     scrubber
}

const userAgent = "ticketctl-notify/1"

func (p *httpPoster) post(ctx context.Context, body []byte, hdr http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		return p.fail(0, true, 0, fmt.Errorf("POST %s: cannot build request", p.safeURL))
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := p.client.Do(req)
	if err != nil {
		// Network error, timeout, TLS failure, cancelled context: temporary.
		return p.fail(0, false, 0, p.scrub.sanitizeErr(err, p.safeURL))
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	code := resp.StatusCode
	// 429 and 408 say "try again later" even though they are 4xx.
	permanent := !(code >= 500 || code == http.StatusTooManyRequests || code == http.StatusRequestTimeout)
	msg := fmt.Sprintf("POST %s: HTTP %s", p.safeURL, cleanLine(resp.Status))
	if s := truncateRunes(cleanLine(string(snippet)), 200); s != "" {
		msg += ": " + s
	}
	return p.fail(code, permanent, parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()), errors.New(p.scrub.scrub(msg)))
}

func (p *httpPoster) fail(code int, permanent bool, retryAfter time.Duration, err error) error {
	return &SendError{Channel: p.name, Type: p.typ, Code: code, Permanent: permanent, RetryAfter: retryAfter, Err: err}
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 when absent or bad.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now).Round(time.Second)
	}
	return 0
}

package notify

import "time"

// Backoff schedule for the outbox.
const (
	BackoffBase = 30 * time.Second
	BackoffMax  = time.Hour
)

// Backoff returns how long to wait before retry number attempt (1 = the wait
// after the first failure): BackoffBase·2^(attempt-1), capped at BackoffMax.
// Deterministic (no jitter); attempt < 1 counts as 1.
func Backoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := BackoffBase
	for i := 1; i < attempt; i++ {
		d *= 2
		if d >= BackoffMax {
			return BackoffMax
		}
	}
	return d
}

// Package notify is the channel side of ticketctl notifications: it renders a
// ticket notification into a Message and delivers it through a configured
// channel (SMTP email, signed JSON webhook, Slack-style incoming webhook).
//
// It has no database: the outbox that stores notifications before sending them
// (DESIGN.md §11) is built on top of this API. The intended flow is
//
//	msg, err := notify.Render(cfg, summary, note)   // once, when the notification is created
//	msg.Recipients = ...                             // smtp only
//	msg.IdempotencyKey = outboxID                    // stable across retries
//	// store msg in the outbox, then:
//	ch, err := notify.New(name, cfg, os.Getenv)      // env is injected, never read here
//	err = ch.Send(ctx, msg)
//	if err != nil && !notify.IsPermanent(err) { retry after notify.Backoff(attempt) }
//
// Secrets (SMTP password, webhook HMAC secret) are read from environment
// variables whose NAMES are in the config; their values never appear in
// Redacted() or in any error returned by this package. Slack webhook URLs carry
// a secret in their path and are shown as scheme://host/… only.
package notify

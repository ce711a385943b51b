package store

import (
	"context"
	"errors"
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/ticketctl/ticketctl/internal/fault"
)

// The store's error kinds; they are the fault sentinels so that the CLI's
// single exit-code switch recognises them.
var (
	ErrNotFound    = fault.ErrNotFound
	ErrConflict    = fault.ErrConflict
	ErrUnavailable = fault.ErrUnavailable
)

// mapErr turns driver errors into the store's kinds. what names the
// operation for the message.
func mapErr(err error, what string) error {
	if err == nil {
		return nil
	}
	switch {
	case errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, mongo.ErrNoDocuments):
		return fault.New(ErrNotFound, "%s: not found", what)
	case isDuplicate(err):
		return fault.Wrap(ErrConflict, errors.New("duplicate key"), "%s", what)
	case errors.Is(err, context.DeadlineExceeded), mongo.IsTimeout(err), mongo.IsNetworkError(err),
		errors.As(err, new(topology.ServerSelectionError)):
		return fault.Wrap(ErrUnavailable, shortErr(err), "%s", what)
	}
	return fault.Wrap(errors.New("database error"), err, "%s", what)
}

// isDuplicate recognises a unique-index violation in every form we know:
// MongoDB's E11000 (also inside bulk write errors) and FerretDB's SQLite
// "UNIQUE constraint failed" InternalError for updates.
func isDuplicate(err error) bool {
	if mongo.IsDuplicateKeyError(err) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "E11000") || strings.Contains(msg, "UNIQUE constraint failed") ||
		strings.Contains(msg, "duplicate key")
}

// shortErr keeps the last, most specific part of a driver error: server
// selection errors otherwise print a whole topology description.
func shortErr(err error) error {
	var sse topology.ServerSelectionError
	if errors.As(err, &sse) {
		// The servers' last errors say why (refused, no such host, TLS);
		// the wrapped error only says that time ran out.
		for _, sd := range sse.Desc.Servers {
			if sd.LastError != nil {
				return errors.New("no reachable server: " + lastPart(firstLine(sd.LastError.Error())))
			}
		}
		return errors.New("no server answered within the timeout")
	}
	if errors.Is(err, context.DeadlineExceeded) || mongo.IsTimeout(err) {
		return errors.New("timed out")
	}
	return errors.New(firstLine(err.Error()))
}

// lastPart keeps the most specific cause of a driver error chain such as
// "connection() error occurred during connection handshake: dial tcp
// 127.0.0.1:1: connect: connection refused".
func lastPart(s string) string {
	if i := strings.Index(s, "dial tcp "); i >= 0 {
		return s[i:]
	}
	return s
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

package demodata

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/store"
)

// File names in the dataset directory.
const (
	ServersFile  = "servers.ndjson"
	TeamsFile    = "teams.ndjson"
	AccountsFile = "accounts.ndjson"
	TicketsFile  = "tickets.ndjson"
	EventsFile   = "events.ndjson"
)

// ticketDoc is a ticket in the brief's field order, without `server` when
// the ticket is on the central server (whose id each installation picks).
type ticketDoc struct {
	ID          bson.ObjectID  `bson:"_id"`
	Title       string         `bson:"title"`
	Description string         `bson:"description"`
	Tags        []string       `bson:"tags"`
	CreatedAt   time.Time      `bson:"created_at"`
	Status      string         `bson:"status"`
	Server      *bson.ObjectID `bson:"server,omitempty"`
	UpdatedAt   time.Time      `bson:"updated_at"`
	Team        *bson.ObjectID `bson:"team,omitempty"`
	Requester   *bson.ObjectID `bson:"requester,omitempty"`
	Priority    string         `bson:"priority,omitempty"`
	Severity    string         `bson:"severity,omitempty"`
	Version     int64          `bson:"version"`
}

// Write writes the dataset as NDJSON files in mongoexport's relaxed
// Extended JSON shape, one document per line.
func Write(dir string, d Dataset) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	servers := append([]any{d.Central}, toAny(d.Servers)...)
	tickets := make([]any, len(d.Tickets))
	for i, t := range d.Tickets {
		doc := ticketDoc{ID: t.ID, Title: t.Title, Description: t.Description, Tags: t.Tags, CreatedAt: t.CreatedAt,
			Status: t.Status, UpdatedAt: t.UpdatedAt, Team: t.Team, Requester: t.Requester, Priority: t.Priority,
			Severity: t.Severity, Version: t.Version}
		if !t.Server.IsZero() {
			sv := t.Server
			doc.Server = &sv
		}
		tickets[i] = doc
	}
	for name, docs := range map[string][]any{ServersFile: servers, TeamsFile: toAny(d.Teams), AccountsFile: toAny(d.Accounts),
		TicketsFile: tickets, EventsFile: toAny(d.Events)} {
		var b bytes.Buffer
		for _, doc := range docs {
			line, err := store.MarshalExtJSON(doc)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			b.Write(line)
			b.WriteByte('\n')
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func toAny[T any](v []T) []any {
	out := make([]any, len(v))
	for i := range v {
		out[i] = v[i]
	}
	return out
}

// readFile decodes one NDJSON file of the dataset.
func readFile[T any](dir, name string) ([]T, error) {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var v T
		if err := store.UnmarshalExtJSON(b, &v); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, line, err)
		}
		out = append(out, v)
	}
	return out, sc.Err()
}

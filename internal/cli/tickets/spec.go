package tickets

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// ticketSpec renders tickets; servers maps server ids to names (an id
// that is not in it is shown as hex).
func ticketSpec(servers map[bson.ObjectID]string) render.Spec[store.Ticket] {
	return render.Spec[store.Ticket]{
		Headers: []string{"ID", "TITLE", "STATUS", "PRIORITY", "TAGS", "SERVER", "CREATED"},
		Row: func(t store.Ticket, f render.Formatter) []string {
			return []string{t.ID.Hex(), f.Truncate(t.Title, 48), t.Status, t.Priority,
				f.Truncate(f.List(t.Tags), 32), serverName(servers, t.Server), f.Time(t.CreatedAt)}
		},
		ID: func(t store.Ticket) string { return t.ID.Hex() },
	}
}

func serverName(servers map[bson.ObjectID]string, id bson.ObjectID) string {
	if n, ok := servers[id]; ok {
		return n
	}
	if id.IsZero() {
		return ""
	}
	return id.Hex()
}

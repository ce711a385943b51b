package tickets

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/render"
	"github.com/ticketctl/ticketctl/internal/store"
)

// Exported for the benchmarks in the external test package, which also
// runs the whole command (and so cannot be package tickets: the cli
// package imports this one).
var StreamTickets = streamTickets

func TicketSpec(servers map[bson.ObjectID]string) render.Spec[store.Ticket] {
	return ticketSpec(servers)
}

// SetAllBatchSize changes the cursor batch size of --all and returns the
// previous one.
func SetAllBatchSize(n int32) int32 {
	old := allBatchSize
	allBatchSize = n
	return old
}

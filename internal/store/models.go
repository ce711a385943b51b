package store

import (
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Ticket statuses exactly as the product brief stores them.
const (
	StatusNotStarted = "not started"
	StatusInProgress = "in progress"
	StatusComplete   = "complete"
)

// Roles of an account.
const (
	RoleCustomer = "customer"
	RoleEmployee = "employee"
	RoleAdmin    = "admin"
)

// Account is a document of the accounts collection. PasswordHash is never
// rendered (json:"-"); LegacyPassword is the bcrypt hash a Node backend
// writes in `password`, accepted once at login and then replaced.
type Account struct {
	ID                 bson.ObjectID `bson:"_id,omitempty" json:"_id"`
	Name               string        `bson:"name" json:"name"`
	Username           string        `bson:"username" json:"username"`
	Email              string        `bson:"email,omitempty" json:"email,omitempty"`
	PasswordHash       string        `bson:"password_hash,omitempty" json:"-"`
	LegacyPassword     string        `bson:"password,omitempty" json:"-"`
	Type               string        `bson:"type" json:"type"`
	Role               string        `bson:"role" json:"role"`
	Company            string        `bson:"company,omitempty" json:"company,omitempty"`
	CreatedAt          time.Time     `bson:"created_at" json:"created_at"`
	UpdatedAt          time.Time     `bson:"updated_at,omitempty" json:"updated_at,omitzero"`
	MustChangePassword bool          `bson:"must_change_password,omitempty" json:"must_change_password"`
	FailedLogins       int           `bson:"failed_logins,omitempty" json:"failed_logins"`
	LockedUntil        *time.Time    `bson:"locked_until,omitempty" json:"locked_until,omitempty"`
}

// Triage records how the last routing or priority decision was made.
type Triage struct {
	Method       string    `bson:"method" json:"method"`
	Confidence   float64   `bson:"confidence,omitempty" json:"confidence,omitempty"`
	Reasons      []string  `bson:"reasons,omitempty" json:"reasons,omitempty"`
	ModelVersion int       `bson:"model_version,omitempty" json:"model_version,omitempty"`
	PrioritySet  string    `bson:"priority_set_by,omitempty" json:"priority_set_by,omitempty"`
	At           time.Time `bson:"at,omitempty" json:"at,omitzero"`
}

// Resolution says what resolved a ticket, e.g. the FAQ that answered it.
type Resolution struct {
	FAQ  *bson.ObjectID `bson:"faq,omitempty" json:"faq,omitempty"`
	Note string         `bson:"note,omitempty" json:"note,omitempty"`
	At   time.Time      `bson:"at,omitempty" json:"at,omitzero"`
}

// Ticket is a document of the tickets collection. Version is bumped on
// every write and used for optimistic concurrency; documents written by
// another backend have none, which reads as 0.
type Ticket struct {
	ID          bson.ObjectID  `bson:"_id,omitempty" json:"_id"`
	Title       string         `bson:"title" json:"title"`
	Description string         `bson:"description" json:"description"`
	Tags        []string       `bson:"tags" json:"tags"`
	CreatedAt   time.Time      `bson:"created_at" json:"created_at"`
	UpdatedAt   time.Time      `bson:"updated_at,omitempty" json:"updated_at,omitzero"`
	Status      string         `bson:"status" json:"status"`
	Server      bson.ObjectID  `bson:"server" json:"server"`
	Team        *bson.ObjectID `bson:"team,omitempty" json:"team,omitempty"`
	Requester   *bson.ObjectID `bson:"requester,omitempty" json:"requester,omitempty"`
	Priority    string         `bson:"priority,omitempty" json:"priority,omitempty"`
	Severity    string         `bson:"severity,omitempty" json:"severity,omitempty"`
	Triage      *Triage        `bson:"triage,omitempty" json:"triage,omitempty"`
	Resolution  *Resolution    `bson:"resolution,omitempty" json:"resolution,omitempty"`
	Version     int64          `bson:"version" json:"version"`
	// LastMove is what the last distribution wrote (run, strategy); the
	// router leaves out tickets its own model routed when it learns.
	LastMove *MoveStamp `bson:"last_move,omitempty" json:"-"`
}

// Server is a document of the servers collection. The central server has
// no teams (null, as in the brief) and central=true; `central` is omitted
// on the others so a unique sparse index allows exactly one central server.
type Server struct {
	ID      bson.ObjectID   `bson:"_id,omitempty" json:"_id"`
	Name    string          `bson:"name" json:"name"`
	Region  string          `bson:"region" json:"region"`
	Teams   []bson.ObjectID `bson:"teams" json:"teams"`
	Central bool            `bson:"central,omitempty" json:"central"`
}

// Team is a document of the teams collection.
type Team struct {
	ID       bson.ObjectID   `bson:"_id,omitempty" json:"_id"`
	Name     string          `bson:"name,omitempty" json:"name,omitempty"`
	Company  string          `bson:"company" json:"company"`
	Category string          `bson:"category" json:"category"`
	Members  []bson.ObjectID `bson:"members" json:"members"`
	Skills   []string        `bson:"skills,omitempty" json:"skills,omitempty"`
}

// Event is an append-only audit record. It never holds a password, hash
// or token.
type Event struct {
	ID      bson.ObjectID  `bson:"_id,omitempty" json:"_id"`
	At      time.Time      `bson:"at" json:"at"`
	Actor   string         `bson:"actor" json:"actor"`
	Action  string         `bson:"action" json:"action"`
	Ticket  *bson.ObjectID `bson:"ticket,omitempty" json:"ticket,omitempty"`
	Subject string         `bson:"subject,omitempty" json:"subject,omitempty"`
	From    string         `bson:"from,omitempty" json:"from,omitempty"`
	To      string         `bson:"to,omitempty" json:"to,omitempty"`
	Note    string         `bson:"note,omitempty" json:"note,omitempty"`
	RunID   string         `bson:"run,omitempty" json:"run,omitempty"`
}

// Session is a log-in session; only the SHA-256 of its token is stored.
type Session struct {
	ID        bson.ObjectID `bson:"_id,omitempty" json:"_id"`
	TokenHash string        `bson:"token_hash" json:"-"`
	Account   bson.ObjectID `bson:"account" json:"account"`
	CreatedAt time.Time     `bson:"created_at" json:"created_at"`
	ExpiresAt time.Time     `bson:"expires_at" json:"expires_at"`
	RevokedAt *time.Time    `bson:"revoked_at,omitempty" json:"revoked_at,omitempty"`
}

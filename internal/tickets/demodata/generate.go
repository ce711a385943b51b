// Package demodata generates and loads the demo dataset in testdata/demo:
// a company with a central and three regional servers, six teams with
// skills, thirty accounts and five hundred tickets with tags and history.
// Generation is deterministic (a fixed seed and clock), so the committed
// files only change when this code does.
package demodata

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/store"
)

// Company is the demo company.
const Company = "Lakeside Burgers"

// Password is every demo account's password. The accounts are stored the
// way a Node/Express backend stores them (a bcrypt hash in `password`), so
// the first `ticketctl login` also exercises the upgrade to argon2id.
const Password = "lakeside-demo-2026"

// passwordHash is bcrypt(Password, cost 10), computed once: bcrypt salts
// are random, and the dataset must not change on every generation.
const passwordHash = "$2a$10$Uu6Q2AkgxzjuQox/qfccCOEstlvJ/u5V7IPxSwNdJviFvazojDqO."

// AdminUsername is the demo's admin account.
const AdminUsername = "ada.park"

// Now is the dataset's "today": tickets were created in the 120 days
// before it.
var Now = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

// Counts of the generated dataset.
const (
	NumTickets   = 500
	numCustomers = 17
)

// Dataset is the whole demo company. Tickets on the central server have a
// zero Server: the central server's id differs between installations, and
// `tickets import` puts a ticket without a server on the central one.
type Dataset struct {
	Central  store.Server
	Servers  []store.Server // regional
	Teams    []store.Team
	Accounts []store.Account
	Tickets  []store.Ticket
	Events   []store.Event
}

// id kinds, in the fourth byte of every generated ObjectId.
const (
	kindServer  = 's'
	kindTeam    = 't'
	kindAccount = 'a'
	kindTicket  = 'k'
	kindEvent   = 'e'
)

// makeID builds a deterministic ObjectId: the timestamp (so ids sort like
// their documents' times, as real ones do), a fixed "demo" marker, the
// kind and a counter.
func makeID(at time.Time, kind byte, n uint32) bson.ObjectID {
	var id bson.ObjectID
	binary.BigEndian.PutUint32(id[0:4], uint32(at.Unix()))
	id[4], id[5], id[6], id[7] = 0xde, 0x30, kind, 0
	binary.BigEndian.PutUint32(id[8:12], n)
	return id
}

type generator struct {
	r         *rand.Rand
	d         Dataset
	byTeam    map[string]store.Team
	serverOf  map[string]store.Server
	members   map[string][]store.Account
	customers []store.Account
	employees []store.Account
	admin     store.Account
	events    uint32
}

// Generate builds the dataset; it returns the same data every time.
func Generate() Dataset {
	g := &generator{r: rand.New(rand.NewPCG(2026, 1128)), byTeam: map[string]store.Team{},
		serverOf: map[string]store.Server{}, members: map[string][]store.Account{}}
	g.infrastructure()
	g.people()
	g.tickets()
	sort.Slice(g.d.Events, func(i, j int) bool { return g.d.Events[i].ID.Hex() < g.d.Events[j].ID.Hex() })
	return g.d
}

func (g *generator) infrastructure() {
	founded := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
	g.d.Central = store.Server{ID: makeID(founded, kindServer, 0), Name: "iowa-central", Region: "us-central-1", Central: true}
	regions := []struct {
		name, region string
		teams        []string
	}{
		{"detroit", "us-east-2", []string{"billing", "orders"}},
		{"portland", "us-west-2", []string{"app", "loyalty"}},
		{"dublin", "eu-west-1", []string{"food-quality", "restaurant"}},
	}
	labels := map[string]string{"billing": "Billing & Payments", "orders": "Orders & Delivery", "app": "App & Website",
		"food-quality": "Food Quality", "restaurant": "Restaurant Experience", "loyalty": "Loyalty & Rewards"}
	n := uint32(0)
	for i, rg := range regions {
		sv := store.Server{ID: makeID(founded, kindServer, uint32(i+1)), Name: rg.name, Region: rg.region, Teams: []bson.ObjectID{}}
		for _, tn := range rg.teams {
			n++
			c := categoryByTeam(tn)
			t := store.Team{ID: makeID(founded, kindTeam, n), Name: tn, Company: Company, Category: labels[tn],
				Members: []bson.ObjectID{}, Skills: slices.Clone(c.tags)}
			g.byTeam[tn] = t
			g.serverOf[tn] = sv
			sv.Teams = append(sv.Teams, t.ID)
		}
		g.d.Servers = append(g.d.Servers, sv)
	}
}

func categoryByTeam(team string) category {
	for _, c := range categories {
		if c.team == team {
			return c
		}
	}
	panic("no category " + team)
}

func (g *generator) people() {
	joined := time.Date(2026, 7, 2, 9, 0, 0, 0, time.UTC)
	n := uint32(0)
	account := func(first, last, role, typ, company string) store.Account {
		n++
		user := strings.ToLower(first + "." + last)
		return store.Account{ID: makeID(joined.Add(time.Duration(n)*time.Hour), kindAccount, n), Name: first + " " + last,
			Username: user, Email: user + "@example.com", LegacyPassword: passwordHash, Type: typ, Role: role,
			Company: company, CreatedAt: joined.Add(time.Duration(n) * time.Hour)}
	}
	g.admin = account("Ada", "Park", store.RoleAdmin, "work", Company)
	g.d.Accounts = append(g.d.Accounts, g.admin)
	firsts := firstNames[1:]
	i := 0
	for _, c := range categories {
		t := g.byTeam[c.team]
		for range 2 {
			a := account(firsts[i], lastNames[i%len(lastNames)], store.RoleEmployee, "work", Company)
			i++
			g.employees = append(g.employees, a)
			g.members[c.team] = append(g.members[c.team], a)
			t.Members = append(t.Members, a.ID)
		}
		g.byTeam[c.team] = t
	}
	for _, c := range categories {
		g.d.Teams = append(g.d.Teams, g.byTeam[c.team])
	}
	g.d.Accounts = append(g.d.Accounts, g.employees...)
	workplaces := []string{"University of Michigan", "Acme Logistics"}
	for k := range numCustomers {
		typ, company := "personal", ""
		if k%5 == 4 {
			typ, company = "work", workplaces[k%2]
		}
		a := account(firsts[i], lastNames[(i+3)%len(lastNames)], store.RoleCustomer, typ, company)
		i++
		g.customers = append(g.customers, a)
	}
	g.d.Accounts = append(g.d.Accounts, g.customers...)
}

func (g *generator) pick(v []string) string { return v[g.r.IntN(len(v))] }

func (g *generator) category() category {
	total := 0
	for _, c := range categories {
		total += c.weight
	}
	n := g.r.IntN(total)
	for _, c := range categories {
		if n < c.weight {
			return c
		}
		n -= c.weight
	}
	return categories[0]
}

func (g *generator) text(s string) string {
	return strings.NewReplacer(
		"{store}", g.pick(stores), "{item}", g.pick(items), "{phone}", g.pick(phones), "{day}", g.pick(days),
		"{order}", fmt.Sprintf("#%d", 10000+g.r.IntN(90000)), "{amount}", fmt.Sprintf("$%d.%02d", 5+g.r.IntN(60), g.r.IntN(100)),
	).Replace(s)
}

func (g *generator) event(at time.Time, actor, action string, ticket bson.ObjectID, from, to, note string) {
	g.events++
	tk := ticket
	g.d.Events = append(g.d.Events, store.Event{ID: makeID(at, kindEvent, g.events), At: at, Actor: actor, Action: action,
		Ticket: &tk, From: from, To: to, Note: note})
}

func (g *generator) tickets() {
	// The company is growing: more tickets lately than four months ago,
	// which also leaves a realistic backlog on the central server.
	created := make([]time.Time, NumTickets)
	for i := range created {
		age := math.Pow(g.r.Float64(), 1.6) * float64(120*24*time.Hour)
		created[i] = Now.Add(-time.Duration(age)).Truncate(time.Second)
	}
	slices.SortFunc(created, func(a, b time.Time) int { return a.Compare(b) })
	for i, at := range created {
		g.ticket(uint32(i+1), at)
	}
}

func (g *generator) ticket(n uint32, created time.Time) {
	c := g.category()
	t := store.Ticket{ID: makeID(created, kindTicket, n), Title: g.pick(c.titles), Description: g.text(g.pick(c.bodies)),
		CreatedAt: created, Status: store.StatusNotStarted}
	requester := g.customers[g.r.IntN(len(g.customers))]
	if g.r.IntN(20) == 0 {
		requester = g.employees[g.r.IntN(len(g.employees))]
	}
	t.Requester = &requester.ID
	t.Tags = g.tags(c)
	g.event(created, requester.Username, "ticket.create", t.ID, "", store.StatusNotStarted, "")
	last := created
	age := Now.Sub(created)
	days := age.Hours() / 24

	// Older tickets are further along, as in any queue.
	roll := g.r.Float64()
	var target string
	switch {
	case days > 30:
		target = choose(roll, 0.05, 0.15)
	case days > 7:
		target = choose(roll, 0.2, 0.4)
	default:
		target = choose(roll, 0.7, 0.25)
	}
	assigned := target != store.StatusNotStarted || (days > 3 && g.r.IntN(4) == 0)
	if assigned {
		team := c.team
		if g.r.IntN(10) == 0 { // history is never perfectly clean
			team = categories[g.r.IntN(len(categories))].team
		}
		tm, sv := g.byTeam[team], g.serverOf[team]
		moved := g.after(last, time.Hour, 24*time.Hour)
		if moved.After(Now) {
			moved = last.Add(time.Minute)
		}
		dispatcher := g.admin.Username
		if g.r.IntN(2) == 0 {
			dispatcher = g.employees[g.r.IntN(len(g.employees))].Username
		}
		tmID := tm.ID
		t.Team, t.Server = &tmID, sv.ID
		reason := "skills"
		if len(t.Tags) > 0 {
			reason += ": " + t.Tags[0]
		}
		g.event(moved, dispatcher, "ticket.move", t.ID, g.d.Central.ID.Hex(), sv.ID.Hex()+"/"+tm.ID.Hex(), reason)
		t.Version++
		last = moved
		g.priority(&t, c)
		worker := g.members[team][g.r.IntN(len(g.members[team]))].Username
		if target != store.StatusNotStarted {
			started := g.after(last, 2*time.Hour, 72*time.Hour)
			if started.Before(Now) {
				g.event(started, worker, "ticket.status", t.ID, store.StatusNotStarted, store.StatusInProgress, "")
				t.Version++
				t.Status, last = store.StatusInProgress, started
			}
		}
		if target == store.StatusComplete && t.Status == store.StatusInProgress {
			done := g.after(last, 4*time.Hour, 10*24*time.Hour)
			if done.Before(Now) {
				g.event(done, worker, "ticket.status", t.ID, store.StatusInProgress, store.StatusComplete, g.pick(c.closes))
				t.Version++
				t.Status, last = store.StatusComplete, done
			}
		}
	}
	if g.r.IntN(10) == 0 && !slices.Contains(t.Tags, "urgent") && len(t.Tags) < 20 {
		at := g.after(created, 10*time.Minute, 6*time.Hour)
		if at.Before(Now) {
			before := strings.Join(t.Tags, ",")
			t.Tags = append(t.Tags, "urgent")
			g.event(at, g.employees[g.r.IntN(len(g.employees))].Username, "ticket.tag", t.ID, before, strings.Join(t.Tags, ","), "+urgent")
			t.Version++
			if at.After(last) {
				last = at
			}
		}
	}
	t.Version++ // the create
	t.UpdatedAt = last
	g.d.Tickets = append(g.d.Tickets, t)
}

// choose maps a uniform roll to a status: the first share not started,
// the next in progress, the rest complete.
func choose(roll, notStarted, inProgress float64) string {
	switch {
	case roll < notStarted:
		return store.StatusNotStarted
	case roll < notStarted+inProgress:
		return store.StatusInProgress
	}
	return store.StatusComplete
}

func (g *generator) after(t time.Time, lo, hi time.Duration) time.Time {
	return t.Add(lo + time.Duration(g.r.Int64N(int64(hi-lo)))).Truncate(time.Second)
}

func (g *generator) tags(c category) []string {
	if g.r.IntN(30) == 0 {
		return []string{}
	}
	tags := []string{c.tags[g.r.IntN(2)]}
	for range g.r.IntN(3) {
		if t := g.pick(c.tags); !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	if g.r.IntN(12) == 0 {
		if t := g.pick(extras); !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	return tags
}

func (g *generator) priority(t *store.Ticket, c category) {
	if g.r.IntN(5) == 0 {
		return
	}
	p := []string{"P1", "P2", "P2", "P3", "P3", "P3", "P3", "P4", "P4", "P4"}[g.r.IntN(10)]
	if c.team == "food-quality" && slices.Contains(t.Tags, "allergy") {
		p = "P1"
	}
	t.Priority = p
	t.Severity = map[string]string{"P1": "critical", "P2": "high", "P3": "medium", "P4": "low"}[p]
}

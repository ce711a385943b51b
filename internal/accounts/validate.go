package accounts

import (
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ticketctl/ticketctl/internal/auth"
	"github.com/ticketctl/ticketctl/internal/fault"
	"github.com/ticketctl/ticketctl/internal/store"
)

// Limits of the account rules.
const (
	MinPasswordChars = 12
	MaxPasswordBytes = 1024
	maxNameChars     = 100
	maxEmailBytes    = 254
)

// Roles and Types are the accepted values, for help text and completion.
var (
	Roles = []string{store.RoleCustomer, store.RoleEmployee, store.RoleAdmin}
	Types = []string{"personal", "work"}
)

var usernameRE = regexp.MustCompile(`^[a-z0-9._-]{3,32}$`)

// UsernameRule says what a username may be.
const UsernameRule = `3-32 characters of a-z, 0-9, ".", "_" and "-"`

// ValidateUsername lower-cases s and checks it against the rule. It runs
// before any query, so input such as {"$ne": null} or $where never reaches
// the database.
func ValidateUsername(s string) (string, error) {
	u := strings.ToLower(s)
	if !usernameRE.MatchString(u) {
		return "", fault.Invalid("invalid username %s: a username is %s", quote(s), UsernameRule)
	}
	return u, nil
}

// ValidateEmail trims s and checks that it is a plain address
// (name@domain.tld, no display name).
func ValidateEmail(s string) (string, error) {
	e := strings.TrimSpace(s)
	if e == "" {
		return "", fault.Invalid("email is empty")
	}
	addr, err := mail.ParseAddress(e)
	at := strings.LastIndexByte(e, '@')
	if err != nil || addr.Name != "" || addr.Address != e || len(e) > maxEmailBytes || at < 1 ||
		!strings.Contains(e[at+1:], ".") || strings.HasSuffix(e, ".") {
		return "", fault.Invalid("invalid email %s: want an address such as name@example.com", quote(s))
	}
	return e, nil
}

// NormalizeText trims s and refuses control characters and overlong
// values; what names the field in the error.
func NormalizeText(what, s string, required bool) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" && required {
		return "", fault.Invalid("%s is empty", what)
	}
	if !utf8.ValidString(t) || utf8.RuneCountInString(t) > maxNameChars {
		return "", fault.Invalid("%s is longer than %d characters or not UTF-8", what, maxNameChars)
	}
	if strings.IndexFunc(t, unicode.IsControl) >= 0 {
		return "", fault.Invalid("%s %s contains control characters", what, quote(s))
	}
	return t, nil
}

// ValidatePassword applies the password policy: at least 12 characters,
// at most 1024 bytes (argon2 input is bounded so a huge input cannot be
// used to slow the server down), and not the username.
func ValidatePassword(password, username string) error {
	switch {
	case password == "":
		return fault.Invalid("password is empty")
	case utf8.RuneCountInString(password) < MinPasswordChars:
		return fault.Invalid("password is too short: use at least %d characters", MinPasswordChars)
	case len(password) > MaxPasswordBytes:
		return fault.Invalid("password is too long: at most %d bytes", MaxPasswordBytes)
	case username != "" && strings.EqualFold(strings.TrimSpace(password), username):
		return fault.Invalid("password must not be the username")
	}
	return nil
}

// ValidateRole checks a role name.
func ValidateRole(r string) (string, error) {
	v := strings.ToLower(strings.TrimSpace(r))
	for _, ok := range Roles {
		if v == ok {
			return v, nil
		}
	}
	return "", fault.Invalid("invalid role %s: want one of %s", quote(r), strings.Join(Roles, ", "))
}

// ValidateType checks an account type.
func ValidateType(t string) (string, error) {
	v := strings.ToLower(strings.TrimSpace(t))
	for _, ok := range Types {
		if v == ok {
			return v, nil
		}
	}
	return "", fault.Invalid("invalid account type %s: want one of %s", quote(t), strings.Join(Types, ", "))
}

// Ref names an account as a person types it: an id, a username, or Me.
type Ref struct {
	ID       bson.ObjectID // zero unless the text is 24 hex digits
	Username string        // empty unless the text is a valid username
	text     string
	me       bool
}

// Me names the logged-in account. It is too short to be a username, so it
// never hides one.
const Me = "me"

// ParseRef reads ID|USERNAME. 24 hex digits are also a valid username, so
// such a ref is looked up as an id first, then as a username.
func ParseRef(s string) (Ref, error) {
	r := Ref{text: s}
	if s == Me {
		r.me = true
		return r, nil
	}
	if id, err := bson.ObjectIDFromHex(s); err == nil {
		r.ID = id
	}
	if u, err := ValidateUsername(s); err == nil {
		r.Username = u
	} else if r.ID.IsZero() {
		return Ref{}, fault.Invalid("%s is neither an account id (24 hex digits), a username (%s), nor \"me\"", quote(s), UsernameRule)
	}
	return r, nil
}

// For returns the ref with Me replaced by p's account; other refs are
// returned as they are. Call it once the principal is known.
func (r Ref) For(p auth.Principal) Ref {
	if !r.me {
		return r
	}
	return Ref{ID: p.ID, Username: p.Username, text: r.text}
}

// String is the ref as typed.
func (r Ref) String() string { return r.text }

// Matches reports whether the ref names acc.
func (r Ref) Matches(acc store.Account) bool {
	return (!r.ID.IsZero() && r.ID == acc.ID) || (r.Username != "" && r.Username == acc.Username)
}

// quote shows user input safely in a message: quoted, escaped, and cut
// short so a megabyte of input does not become a megabyte of error.
func quote(s string) string {
	const max = 40
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut]) + "…"
	}
	return strconv.Quote(s)
}

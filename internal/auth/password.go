package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Argon2Params are the argon2id cost parameters. They are written into
// every hash (PHC string format), so changing the defaults never breaks
// existing hashes: a hash made with weaker parameters is re-hashed at the
// next successful log-in.
type Argon2Params struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32 // memory in KiB
	Threads   uint8  // lanes
	SaltLen   uint32 // bytes of random salt
	KeyLen    uint32 // bytes of derived key
}

// DefaultArgon2 is the production cost. RFC 9106 §4 recommends t=3 with
// 64 MiB as its second (memory-constrained) choice; OWASP's password
// storage cheat sheet asks for at least 19 MiB with t=2. 64 MiB and three
// passes costs roughly 100 ms on one core of a current server (measured in
// docs/security.md), which is unnoticeable for a log-in typed by a person
// yet makes each guess against a stolen hash cost 64 MiB of memory, which
// is what defeats GPU and ASIC cracking. Two lanes use a second core when
// there is one without changing the memory cost.
var DefaultArgon2 = Argon2Params{Time: 3, MemoryKiB: 64 * 1024, Threads: 2, SaltLen: 16, KeyLen: 32}

// TestArgon2 is a cheap cost for test suites (see SetArgon2ForTesting):
// 64 KiB, one pass; about 0.1 ms instead of 60.
var TestArgon2 = Argon2Params{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

// Limits on parameters read back from the database: a hash written by
// someone with write access to accounts must not be able to make a log-in
// allocate gigabytes or spin for minutes.
const (
	maxArgon2MemoryKiB = 1024 * 1024 // 1 GiB
	maxArgon2Time      = 32
	maxBcryptCost      = 15 // Node's bcrypt default is 10; 15 takes ~2 s
)

var (
	paramsMu sync.RWMutex
	params   = DefaultArgon2
)

func currentParams() Argon2Params {
	paramsMu.RLock()
	defer paramsMu.RUnlock()
	return params
}

// SetArgon2ForTesting lowers the cost so that test suites hashing many
// passwords stay fast, and returns a function restoring the previous
// parameters. It panics outside a test binary, so production can never
// run with weakened parameters.
func SetArgon2ForTesting(p Argon2Params) (restore func()) {
	if !testing.Testing() {
		panic("auth.SetArgon2ForTesting called outside a test binary")
	}
	paramsMu.Lock()
	old := params
	params = p
	paramsMu.Unlock()
	dummyOnce = sync.Once{}
	return func() {
		paramsMu.Lock()
		params = old
		paramsMu.Unlock()
		dummyOnce = sync.Once{}
	}
}

// HashPassword returns the argon2id PHC string of password with the
// current parameters, e.g. $argon2id$v=19$m=65536,t=3,p=2$<salt>$<key>.
func HashPassword(password string) (string, error) {
	p := currentParams()
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	return encodePHC(p, salt, key), nil
}

var b64 = base64.RawStdEncoding

func encodePHC(p Argon2Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// ErrMalformedHash is a stored hash this package cannot read or refuses
// to compute (parameters out of bounds).
var ErrMalformedHash = errors.New("stored password hash is malformed")

func decodePHC(s string) (Argon2Params, []byte, []byte, error) {
	parts := strings.Split(s, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return Argon2Params{}, nil, nil, ErrMalformedHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return Argon2Params{}, nil, nil, ErrMalformedHash
	}
	var p Argon2Params
	var threads uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &threads); err != nil || n != 3 {
		return Argon2Params{}, nil, nil, ErrMalformedHash
	}
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 || len(key) > 128 {
		return Argon2Params{}, nil, nil, ErrMalformedHash
	}
	if p.Time < 1 || p.Time > maxArgon2Time || threads < 1 || threads > 255 ||
		p.MemoryKiB < 8*threads || p.MemoryKiB > maxArgon2MemoryKiB {
		return Argon2Params{}, nil, nil, ErrMalformedHash
	}
	p.Threads = uint8(threads)
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// VerifyPassword checks password against an argon2id PHC string in
// constant time. rehash is true when the hash was made with weaker
// parameters than the current ones and should be replaced.
func VerifyPassword(encoded, password string) (ok, rehash bool, err error) {
	p, salt, key, err := decodePHC(encoded)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	cur := currentParams()
	rehash = p.Time < cur.Time || p.MemoryKiB < cur.MemoryKiB || p.KeyLen < cur.KeyLen || p.SaltLen < cur.SaltLen
	return true, rehash, nil
}

// IsLegacyHash reports whether s looks like a bcrypt hash ($2a$, $2b$,
// $2y$), as a Node/Express backend writes into `password`.
func IsLegacyHash(s string) bool {
	return len(s) == 60 && (strings.HasPrefix(s, "$2a$") || strings.HasPrefix(s, "$2b$") || strings.HasPrefix(s, "$2y$"))
}

// VerifyLegacy checks password against a bcrypt hash. Like Node's bcrypt,
// only the first 72 bytes of the password count. Costs above 15 are
// refused (a log-in must not take minutes).
func VerifyLegacy(hash, password string) (bool, error) {
	if !IsLegacyHash(hash) {
		return false, ErrMalformedHash
	}
	cost, err := bcrypt.Cost([]byte(hash))
	if err != nil || cost > maxBcryptCost {
		return false, ErrMalformedHash
	}
	err = bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, nil
	}
	return false, ErrMalformedHash
}

var (
	dummyOnce sync.Once
	dummyHash string
)

// BurnVerify spends the time one verification takes, against a dummy
// hash. Log-in calls it for unknown usernames so that the response time
// does not tell which usernames exist.
func BurnVerify(password string) {
	dummyOnce.Do(func() {
		dummyHash, _ = HashPassword("ticketctl-dummy-password")
	})
	_, _, _ = VerifyPassword(dummyHash, password)
}

// NewTemporaryPassword returns a random password for an admin's reset:
// 26 base32 characters, 128 bits (crypto/rand.Text).
func NewTemporaryPassword() string { return rand.Text() }

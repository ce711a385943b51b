// Package auth holds log-in sessions and the role guard every command that
// needs a role goes through.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

// NewToken returns a random 256-bit session token, hex encoded.
func NewToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(b)
}

// HashToken is what the database keeps instead of the token: whoever reads
// the sessions collection cannot log in with it.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

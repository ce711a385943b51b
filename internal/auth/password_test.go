package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

var fast = TestArgon2

func TestDefaultHashIsArgon2idWithDocumentedParameters(t *testing.T) {
	start := time.Now()
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("one argon2id hash with the production parameters took %v", time.Since(start))
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q does not carry the documented parameters", h)
	}
	ok, rehash, err := VerifyPassword(h, "correct horse battery")
	if err != nil || !ok || rehash {
		t.Fatalf("verify: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
	ok, _, err = VerifyPassword(h, "correct horse batterY")
	if err != nil || ok {
		t.Fatalf("wrong password accepted: ok=%v err=%v", ok, err)
	}
}

func TestHashesAreSaltedAndVerify(t *testing.T) {
	defer SetArgon2ForTesting(fast)()
	a, _ := HashPassword("same password here")
	b, _ := HashPassword("same password here")
	if a == b {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if strings.Contains(a, "same password") {
		t.Fatal("hash contains the password")
	}
	for _, h := range []string{a, b} {
		if ok, _, err := VerifyPassword(h, "same password here"); !ok || err != nil {
			t.Errorf("verify %s: %v %v", h, ok, err)
		}
	}
}

func TestWeakerHashAsksForRehash(t *testing.T) {
	restore := SetArgon2ForTesting(fast)
	weak, _ := HashPassword("upgrade me please")
	restore()
	stronger := fast
	stronger.Time = 2
	defer SetArgon2ForTesting(stronger)()
	ok, rehash, err := VerifyPassword(weak, "upgrade me please")
	if !ok || !rehash || err != nil {
		t.Fatalf("ok=%v rehash=%v err=%v; want a rehash", ok, rehash, err)
	}
}

func TestMalformedHashesAreRefused(t *testing.T) {
	defer SetArgon2ForTesting(fast)()
	good, _ := HashPassword("a good password")
	parts := strings.Split(good, "$")
	for name, h := range map[string]string{
		"empty":        "",
		"argon2i":      strings.Replace(good, "argon2id", "argon2i", 1),
		"version":      strings.Replace(good, "v=19", "v=16", 1),
		"huge memory":  "$argon2id$v=19$m=4194304,t=1,p=1$" + parts[4] + "$" + parts[5],
		"huge time":    "$argon2id$v=19$m=64,t=1000,p=1$" + parts[4] + "$" + parts[5],
		"zero threads": "$argon2id$v=19$m=64,t=1,p=0$" + parts[4] + "$" + parts[5],
		"bad salt":     "$argon2id$v=19$m=64,t=1,p=1$!!!$" + parts[5],
		"short key":    "$argon2id$v=19$m=64,t=1,p=1$" + parts[4] + "$AAAA",
		"extra part":   good + "$x",
		"bcrypt":       "$2a$10$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234",
	} {
		if _, _, err := VerifyPassword(h, "a good password"); !errors.Is(err, ErrMalformedHash) {
			t.Errorf("%s: err = %v, want ErrMalformedHash", name, err)
		}
	}
}

func TestLegacyBcrypt(t *testing.T) {
	h, err := bcrypt.GenerateFromPassword([]byte("node era password"), 4)
	if err != nil {
		t.Fatal(err)
	}
	node := "$2b$" + string(h[4:]) // what Node's bcrypt writes
	for _, legacy := range []string{string(h), node} {
		if !IsLegacyHash(legacy) {
			t.Fatalf("%s not recognised as bcrypt", legacy)
		}
		if ok, err := VerifyLegacy(legacy, "node era password"); !ok || err != nil {
			t.Errorf("%s: right password: %v %v", legacy, ok, err)
		}
		if ok, err := VerifyLegacy(legacy, "node era passworD"); ok || err != nil {
			t.Errorf("%s: wrong password: %v %v", legacy, ok, err)
		}
	}
	tooCostly := "$2b$16$" + string(h[7:])
	if _, err := VerifyLegacy(tooCostly, "node era password"); !errors.Is(err, ErrMalformedHash) {
		t.Errorf("cost 16: %v, want refused", err)
	}
	if IsLegacyHash("plaintext-password") {
		t.Error("plain text taken for bcrypt")
	}
}

func TestTemporaryPasswords(t *testing.T) {
	a, b := NewTemporaryPassword(), NewTemporaryPassword()
	if a == b || len(a) < 20 {
		t.Fatalf("temporary passwords %q %q", a, b)
	}
}

func TestSetArgon2ForTestingRestores(t *testing.T) {
	restore := SetArgon2ForTesting(fast)
	if currentParams() != fast {
		t.Fatal("not lowered")
	}
	restore()
	if currentParams() != DefaultArgon2 {
		t.Fatal("not restored")
	}
}

func BenchmarkHashDefault(b *testing.B) {
	for b.Loop() {
		_, _ = HashPassword("benchmark password")
	}
}

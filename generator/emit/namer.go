package emit

import (
	"go/token"
	"strconv"
	"unicode"
)

// predeclared are Go's universe-scope identifiers. A parameter named like one
// of them would shadow it inside the generated method body ([]string{...}
// would stop compiling), so the namer never hands them out.
var predeclared = []string{
	"any", "append", "bool", "byte", "cap", "clear", "close", "comparable", "complex",
	"complex128", "complex64", "copy", "delete", "error", "false", "float32", "float64",
	"imag", "int", "int16", "int32", "int64", "int8", "iota", "len", "make", "max", "min",
	"new", "nil", "panic", "print", "println", "real", "recover", "rune", "string", "true",
	"uint", "uint16", "uint32", "uint64", "uint8", "uintptr",
}

// methodNames are the identifiers a generated method may refer to besides
// its parameters: receivers, ctx, err and the imported packages.
var methodNames = []string{"ctx", "s", "p", "err", "runtime", "luagenimpl", "rueidis", "context", "time"}

// goRedisMethodNames are methodNames for a go-redis package, which imports
// goredis and go-redis's package redis instead of runtime and rueidis.
var goRedisMethodNames = []string{"ctx", "s", "p", "err", "goredis", "luagenimpl", "redis", "context", "time"}

// Locals that only some methods declare (see wire.go); a parameter gives
// way to them only in those methods, so a lone variadic key can still be
// called keys.
const (
	keysLocal = "keys" // KEYS built from fixed keys plus a variadic key
	argsLocal = "args" // ARGV built with a variadic arg
	loopVar   = "v"    // each value of a variadic arg
	encLocal  = "enc"  // the JSON encoding of one variadic value
)

// namer hands out identifiers that are unique within one scope and never
// shadow a keyword, a predeclared identifier or a name the generated code
// relies on. It is deterministic: the same requests in the same order give
// the same names.
type namer struct {
	// outer holds the names of the enclosing scope, read only: a method's
	// namer shares the package's set instead of copying it, which kept
	// generation quadratic in the number of scripts.
	outer map[string]bool
	taken map[string]bool
}

func newNamer(reserved ...[]string) *namer {
	n := &namer{taken: map[string]bool{}}
	for _, list := range reserved {
		for _, name := range list {
			n.taken[name] = true
		}
	}
	return n
}

// inner returns a namer for a scope nested in n's, which must not change
// while the inner namer is used.
func (n *namer) inner(reserved ...[]string) *namer {
	in := newNamer(reserved...)
	in.outer = n.taken
	return in
}

func (n *namer) isTaken(name string) bool { return n.taken[name] || n.outer[name] }

// name returns want if it is free, else want+suffix, else want+suffix+N.
// It marks the returned name as taken.
func (n *namer) name(want, suffix string) string {
	got := want
	if n.isTaken(got) || token.IsKeyword(got) {
		got = want + suffix
		for i := 2; n.isTaken(got); i++ {
			got = want + suffix + strconv.Itoa(i)
		}
	}
	n.taken[got] = true
	return got
}

// lowerFirst turns an exported Go name into its unexported form, keeping
// initialisms whole: "TakeTokens" → "takeTokens", "HTTPGet" → "httpGet",
// "ID" → "id", "SHA1Sum" → "sha1Sum".
func lowerFirst(name string) string {
	runes := []rune(name)
	upper := 0
	for upper < len(runes) && unicode.IsUpper(runes[upper]) {
		upper++
	}
	switch {
	case upper == 0:
		return name
	case upper == len(runes):
		// all upper: "ID" → "id"
	case upper > 1 && unicode.IsLower(runes[upper]):
		// "HTTPGet": the last upper letter starts the next word.
		upper--
	}
	for i := 0; i < upper; i++ {
		runes[i] = unicode.ToLower(runes[i])
	}
	return string(runes)
}

// Package check is luagen's rule stage: it decides whether a script, as
// parse read it, can become Go, and reports every way it cannot.
//
//   - Names (names.go) derives the Go names of a script's header and
//     checks them: identifiers, keywords, names used twice, variadic
//     params that are not last.
//   - Package (package.go) checks what a package's scripts generate
//     together: Go names that clash, generated files that clash or that
//     the Go tool would skip.
//   - Body (syntax.go, params.go) reads the Lua body as Redis's Lua 5.1
//     would and compares it with the header: syntax errors, goto (which
//     gopher-lua's parser accepts but Redis rejects), KEYS[n] and ARGV[n]
//     beyond what the header declares, and declared params the body never
//     reads.
//
// What passes is a model the emitter renders without checking again. The
// lints of generator/vet come on top; like these checks, they stop
// generation only with errors (generator/diag.Checks gives each check's
// severity, and luagen.yaml may change it).
package check

import (
	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/luasrc"
	"github.com/luagen/luagen/generator/model"
)

// Body checks the Lua body of f against the header of s; it needs only
// s.Keys and s.Args. Findings are sorted.
func Body(s *model.Script, f *luasrc.File) diag.List {
	b := &body{f: f}
	if b.syntax() {
		u := collectUses(f)
		b.checkIndexes(u, s.Keys, "KEYS", diag.KeysIndex, "key", "keys:")
		b.checkIndexes(u, s.Args, "ARGV", diag.ArgvIndex, "arg", "args:")
		b.checkUnused(u, s.Keys, "KEYS", diag.UnusedKey, "key")
		b.checkUnused(u, s.Args, "ARGV", diag.UnusedArg, "arg")
	}
	b.diags.Sort()
	return b.diags
}

// body is one script's body being checked.
type body struct {
	f     *luasrc.File
	diags diag.List
}

func (b *body) errorf(check diag.Check, line, col int, format string, args ...any) {
	b.diags = append(b.diags, b.f.Errorf(line, col, check, format, args...))
}

// Package check reads a script's Lua body as Redis's Lua 5.1 would and
// compares it with the header: syntax errors, goto (which gopher-lua's
// parser accepts but Redis rejects), KEYS[n] and ARGV[n] beyond what the
// header declares, and declared params the body never reads.
//
// The Lua is parsed with gopher-lua's parser, whose AST carries lines but
// no columns. Columns come from a small Lua 5.1 tokenizer, generator/lualex:
// a finding about KEYS[3] on line 7 points at the n-th KEYS [ 3 ] token run
// on line 7, and at column 1 when the tokens cannot be matched (for
// example (KEYS)[3]). Syntax errors point at the start of the token
// gopher-lua stopped at.
package check

import (
	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/model"
)

// Check names, stable for vet output and suppressions.
const (
	Syntax    = "lua-syntax" // the body is not valid Lua 5.1
	KeysIndex = "keys-index" // KEYS[n] outside the declared keys
	ArgvIndex = "argv-index" // ARGV[n] outside the declared args
	UnusedKey = "unused-key" // a declared key the body never reads (warning)
	UnusedArg = "unused-arg" // a declared arg the body never reads (warning)
	Goto      = "goto"       // goto or a label, which Redis's Lua 5.1 rejects
)

// Body checks the Lua source src of script s against its header. It needs
// only s.File, s.Keys and s.Args; findings are sorted.
func Body(s *model.Script, src []byte) diag.List {
	b := newBody(s.File, src)
	if stmts, ok := b.parse(); ok {
		u := collectUses(stmts)
		b.checkIndexes(u, s.Keys, "KEYS", KeysIndex, "key", "keys:")
		b.checkIndexes(u, s.Args, "ARGV", ArgvIndex, "arg", "args:")
		b.checkUnused(u, s.Keys, "KEYS", UnusedKey, "key")
		b.checkUnused(u, s.Args, "ARGV", UnusedArg, "arg")
	}
	b.diags.Sort()
	return b.diags
}

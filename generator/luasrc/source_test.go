package luasrc

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

func TestPrepare(t *testing.T) {
	src := "#!lua flags=no-writes\r\nlocal goto = 1\f\nreturn goto .. '\f'\n"
	f := Prepare("x.lua", []byte(src))
	if f.LexErr != nil || f.ParseErr != nil || len(f.Stmts) != 2 {
		t.Fatalf("lex %v, parse %v, %d statements", f.LexErr, f.ParseErr, len(f.Stmts))
	}
	if f.Shebang() != "#!lua flags=no-writes" || string(f.Src) != src || !strings.HasPrefix(string(f.Text), strings.Repeat(" ", 22)+"\n") {
		t.Errorf("shebang %q, text %q", f.Shebang(), f.Text)
	}
	// goto is a plain name in Lua 5.1; gopher-lua reads it renamed, and a
	// form feed outside a string as a space, with positions unchanged.
	if got := string(f.forParser()); got != strings.Repeat(" ", 22)+"\nlocal _got = 1 \nreturn _got .. '\f'\n" {
		t.Errorf("forParser: %q", got)
	}
	if line, col := f.Pos(strings.Index(src, "return")); line != 3 || col != 1 {
		t.Errorf("Pos = %d:%d", line, col)
	}

	f = Prepare("x.lua", []byte("x = = 1\n"))
	var perr *parse.Error
	if f.Stmts != nil || !errors.As(f.ParseErr, &perr) {
		t.Errorf("syntax error: %v", f.ParseErr)
	}
	f = Prepare("x.lua", []byte("x = 'a\n"))
	if f.LexErr == nil || f.ParseErr != nil || f.Program() != nil {
		t.Errorf("lexical error: %v, %v", f.LexErr, f.ParseErr)
	}
}

// TestProgram checks that the walk follows Lua's scopes and matches each
// name to its own token.
func TestProgram(t *testing.T) {
	src := `local KEYS = {1}
do local x = KEYS[1] end
x = ARGV[1]
local function f(a) return a end
redis.y = f(KEYS)
print(x, #KEYS)
`
	f := Prepare("x.lua", []byte(src))
	p := f.Program()
	var reads, writes, indexes []string
	for _, id := range p.GlobalReads {
		line, col := f.TokenPos(p.Idents[id].Tok, 0)
		reads = append(reads, fmt.Sprintf("%s@%d:%d", id.Value, line, col))
	}
	for _, w := range p.GlobalWrites {
		line, col := f.TokenPos(w.Tok, 0)
		writes = append(writes, fmt.Sprintf("%s.%s field=%v @%d:%d", w.Global, w.Field, w.IsField, line, col))
	}
	for _, x := range p.Indexes {
		id := x.Expr.Object.(*ast.IdentExpr)
		indexes = append(indexes, fmt.Sprintf("%s local=%v write=%v", id.Value, p.Idents[id].Binding != nil, x.Write))
	}
	if got, want := strings.Join(reads, " "), "ARGV@3:5 redis@5:1 print@6:1 x@6:7"; got != want {
		t.Errorf("global reads %s, want %s", got, want)
	}
	if got, want := strings.Join(writes, " | "), "x. field=false @3:1 | redis.y field=true @5:1"; got != want {
		t.Errorf("global writes %s, want %s", got, want)
	}
	if got, want := strings.Join(indexes, " | "), "KEYS local=true write=false | ARGV local=false write=false | redis local=false write=true"; got != want {
		t.Errorf("indexes %s, want %s", got, want)
	}
	var fn *Binding
	for _, b := range p.Bindings {
		if b.Fn != nil {
			fn = b
		}
	}
	if fn == nil || fn.Escapes || len(p.Params[fn.Fn]) != 1 || len(p.Params[fn.Fn][0].Values) != 1 || !p.Params[fn.Fn][0].Values[0].Param {
		t.Errorf("local function f: %+v", fn)
	}
	if len(p.Calls) != 2 || !p.IsGlobalCall(p.Calls[1], "print") {
		t.Errorf("calls %d", len(p.Calls))
	}
}

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

// TestProgramCallsAndElements checks what the walk records for vet's
// following of calls and tables: the function each call is in, the calls
// of each local function only called by name, the index each element was
// stored at, and the loop of a for counter.
func TestProgramCallsAndElements(t *testing.T) {
	src := `local t = {}
t.job = 1
t[2] = 2
table.insert(t, 3)
local function f(k) return redis.call('GET', k) end
local function g() return f(1) end
f(2)
g()
local h = function() end
for i = 1, 3 do end
`
	f := Prepare("x.lua", []byte(src))
	p := f.Program()
	var fns []*ast.FunctionExpr
	var table, counter *Binding
	for _, b := range p.Bindings {
		switch {
		case b.Fn != nil:
			fns = append(fns, b.Fn)
		case b.Loop != nil:
			counter = b
		case table == nil:
			table = b
		}
	}
	if len(fns) != 3 || table == nil || counter == nil {
		t.Fatalf("functions %d, table %v, loop counter %v", len(fns), table, counter)
	}
	var fields []string
	for _, e := range table.Elems {
		s := "appended"
		switch k := e.Field.(type) {
		case *ast.StringExpr:
			s = k.Value
		case *ast.NumberExpr:
			s = k.Value
		}
		fields = append(fields, s)
	}
	if got := strings.Join(fields, " "); got != "job 2 appended" {
		t.Errorf("element fields %q", got)
	}
	fn, gn, hn := fns[0], fns[1], fns[2]
	if len(p.CallSites[fn]) != 2 || len(p.CallSites[gn]) != 1 || p.CallSites[hn] != nil {
		t.Errorf("call sites: f %d, g %d, h %v", len(p.CallSites[fn]), len(p.CallSites[gn]), p.CallSites[hn])
	}
	for _, c := range p.Calls {
		want := map[int]*ast.FunctionExpr{5: fn, 6: gn}[c.Line()]
		if p.Enclosing[c] != want {
			t.Errorf("call on line %d: in %p, want %p", c.Line(), p.Enclosing[c], want)
		}
	}
	if counter.Loop.Line() != 10 {
		t.Errorf("loop counter's loop on line %d", counter.Loop.Line())
	}
}

func TestCallArgs(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"rcall('GET', k)", "1:7 1:14"},
		{"redis.call('GET', k)", "1:12 1:19"},
		{"r.redis.call('GET', {k}, f(a, b))", "1:14 1:21 1:26"},
		{"r['call']('GET', k)", "1:11 1:18"},
		{"rcall 'PING'", "1:7"},
	} {
		f := Prepare("x.lua", []byte(c.src))
		var got []string
		for _, i := range f.CallArgs(0, strings.Count(c.want, " ")+1) {
			line, col := f.TokenPos(i, 0)
			got = append(got, fmt.Sprintf("%d:%d", line, col))
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s: arguments at %v, want %s", c.src, got, c.want)
		}
	}
}

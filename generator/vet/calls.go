package vet

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/yuin/gopher-lua/ast"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/luasrc"
)

// checkCalls checks every redis.call and redis.pcall whose command name is
// a literal string against the command table.
func (v *vetter) checkCalls() {
	for _, call := range v.p.Calls {
		if v.isRedisCall(call) {
			v.checkCall(call)
		}
	}
}

// isRedisCall reports a call of redis.call or redis.pcall.
func (v *vetter) isRedisCall(call *ast.FuncCallExpr) bool {
	lib, field, ok := v.p.GlobalField(call)
	return ok && lib.Value == "redis" && (field == "call" || field == "pcall")
}

func (v *vetter) checkCall(call *ast.FuncCallExpr) {
	get := call.Func.(*ast.AttrGetExpr)
	redisTok := v.p.Idents[get.Object.(*ast.IdentExpr)].Tok
	fn := "redis." + get.Key.(*ast.StringExpr).Value
	args := call.Args
	toks := v.f.CallArgs(redisTok, len(args))
	at := func(i int) (int, int) {
		if i < len(toks) && toks[i] >= 0 {
			return v.f.TokenPos(toks[i], call.Line())
		}
		return v.f.TokenPos(redisTok, call.Line())
	}
	if len(args) == 0 {
		line, col := at(0)
		v.report(diag.Error, diag.CommandArity, line, col, "%s needs a command name; Redis refuses the call (%q)", fn, "Please specify at least one argument for this redis lib call")
		return
	}
	name, ok := args[0].(*ast.StringExpr)
	if !ok {
		return // the command is chosen at run time
	}
	t := commands()
	nameLine, nameCol := at(0)
	cmd := t.lookup(name.Value)
	if cmd == nil {
		if strings.Contains(name.Value, ".") {
			return // a module command (JSON.SET, FT.SEARCH) the table cannot know
		}
		v.report(diag.Error, diag.UnknownCommand, nameLine, nameCol, "%s is not a Redis %s command%s; Redis refuses the call (%q)", quoteWord(name.Value), t.shortVersion(), diag.DidYouMean(diag.Suggest(name.Value, t.names)), "Unknown Redis command called from script")
		return
	}
	n := len(args)
	open := n > 1 && luasrc.MultiValued(args[n-1])
	if len(cmd.Subcommands) > 0 {
		if n < 2 {
			v.report(diag.Error, diag.CommandArity, nameLine, nameCol, "%s needs a subcommand (%s); Redis refuses the call (%q)", cmd.displayName(), strings.Join(cmd.subcommandNames(), ", "), "Wrong number of args calling Redis command from script")
			return
		}
		subName, ok := args[1].(*ast.StringExpr)
		if !ok {
			return
		}
		sub := cmd.subcommand(subName.Value)
		if sub == nil {
			line, col := at(1)
			v.report(diag.Error, diag.UnknownCommand, line, col, "%s is not a subcommand of %s%s; Redis refuses the call (%q)", quoteWord(subName.Value), cmd.displayName(), diag.DidYouMean(diag.Suggest(subName.Value, cmd.subcommandNames())), "Unknown Redis command called from script")
			return
		}
		cmd = sub
	}
	v.checkArity(cmd, n, open, nameLine, nameCol)
	if cmd.has("noscript") {
		v.report(diag.Error, diag.NoscriptCommand, nameLine, nameCol, "%s cannot be called from a script; Redis refuses it (%q)", cmd.displayName(), "This Redis command is not allowed from script")
	}
	if v.readOnly != "" && (cmd.has("write") || cmd.has("may_replicate")) {
		what := "writes"
		if !cmd.has("write") {
			what = "may replicate, which counts as a write"
		}
		v.report(diag.Error, diag.WriteInReadonly, nameLine, nameCol, "%s %s, but the script is read-only (%s); Redis refuses it (%q)", cmd.displayName(), what, v.readOnly, "Write commands are not allowed from read-only scripts")
	}
	w := words{n: n, open: open, literal: func(i int) (string, bool) { return literal(args[i]) }}
	for _, pos := range cmd.keyPositions(w) {
		if v.keys.isKey(args[pos], 0) {
			continue
		}
		line, col := at(pos)
		v.report(diag.Error, diag.KeyNotFromKeys, line, col, "key of %s is not from KEYS but %s; on a cluster it may live on another node, where the call fails: declare it under keys: and pass it in KEYS", cmd.displayName(), v.describe(args[pos], 0))
	}
}

func (v *vetter) checkArity(cmd *command, n int, open bool, line, col int) {
	words := 1 // the name words before the arguments
	if cmd.parent != nil {
		words = 2
	}
	a := cmd.Arity
	var want string
	switch {
	case a > 0 && !open && n != a, a > 0 && open && n-1 > a:
		want = plural(a-words, "argument")
	case a < 0 && !open && n < -a:
		want = "at least " + plural(-a-words, "argument")
	default:
		return
	}
	got := strconv.Itoa(n - words)
	if open {
		got = "at least " + strconv.Itoa(n-1-words)
	}
	v.report(diag.Error, diag.CommandArity, line, col, "%s takes %s, not %s; Redis refuses the call (%q)", cmd.displayName(), want, got, "Wrong number of args calling Redis command from script")
}

// literal returns a string or number argument as Redis receives it.
func literal(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.StringExpr:
		return e.Value, true
	case *ast.NumberExpr:
		f, ok := luasrc.Numeral(e.Value)
		if !ok {
			return "", false
		}
		// Redis sends a Lua number in its shortest form: 2, 2.5.
		return strconv.FormatFloat(f, 'g', -1, 64), true
	}
	return "", false
}

// describe says what e is, for a message about a value that should have
// come from KEYS.
func (v *vetter) describe(e ast.Expr, depth int) string {
	switch e := e.(type) {
	case *ast.StringExpr:
		return fmt.Sprintf("the literal string %s", quoteShort(e.Value))
	case *ast.NumberExpr:
		return "a number"
	case *ast.NilExpr:
		return "nil"
	case *ast.TrueExpr, *ast.FalseExpr:
		return "a boolean"
	case *ast.StringConcatOpExpr:
		return "a string built with .."
	case *ast.ArithmeticOpExpr, *ast.UnaryMinusOpExpr, *ast.UnaryLenOpExpr:
		return "a computed number"
	case *ast.Comma3Expr:
		return "the varargs ..."
	case *ast.TableExpr:
		return "a table"
	case *ast.FunctionExpr:
		return "a function"
	case *ast.LogicalOpExpr:
		if e.Operator == "and" || v.keys.isKey(e.Lhs, 0) {
			return v.describe(e.Rhs, depth)
		}
		return v.describe(e.Lhs, depth)
	case *ast.AttrGetExpr:
		if id, ok := e.Object.(*ast.IdentExpr); ok {
			switch {
			case v.p.IsGlobal(id, "ARGV"):
				return "an element of ARGV"
			case v.p.Idents[id].Binding != nil:
				return fmt.Sprintf("an element of %s, which holds other values", id.Value)
			}
		}
		return "a table field"
	case *ast.FuncCallExpr:
		if v.isRedisCall(e) {
			return "a reply of redis.call"
		}
		if v.p.IsGlobalCall(e, "unpack") && len(e.Args) > 0 {
			switch t := e.Args[0].(type) {
			case *ast.IdentExpr:
				if v.p.Idents[t].Binding == nil {
					return fmt.Sprintf("unpack(%s)", t.Value)
				}
				return fmt.Sprintf("unpack(%s), and %s holds other values", t.Value, t.Value)
			case *ast.TableExpr:
				return "unpack of a table holding other values"
			}
		}
		if id, ok := e.Func.(*ast.IdentExpr); ok {
			return fmt.Sprintf("the result of %s()", id.Value)
		}
		return "the result of a function call"
	case *ast.IdentExpr:
		b := v.p.Idents[e].Binding
		if b == nil {
			return "the global " + e.Value
		}
		if depth > 0 {
			return e.Value // the finding names one step; the next is a read away
		}
		for _, val := range b.Values {
			if v.keys.valueIsKey(val) {
				continue
			}
			switch {
			case val.Why != "":
				return fmt.Sprintf("%s, %s", e.Value, val.Why)
			case val.ElemOf != nil:
				return fmt.Sprintf("%s, an element of a table that is not KEYS (%s)", e.Value, v.f.LineRef(val.Line))
			}
			verb := "set to"
			if val.Param {
				verb = "given"
			}
			return fmt.Sprintf("%s, %s %s on %s", e.Value, verb, v.describe(val.Expr, depth+1), v.f.LineRef(val.Line))
		}
		return fmt.Sprintf("%s, which is never set", e.Value)
	}
	return "a value not taken from KEYS"
}

func quoteShort(s string) string {
	if len(s) > 32 {
		s = s[:29] + "..."
	}
	return strconv.Quote(s)
}

// quoteWord shows a command name as written, quoted when it holds
// anything but letters, digits and _.
func quoteWord(s string) string {
	for _, c := range s {
		if !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return quoteShort(s)
		}
	}
	if s == "" {
		return `""`
	}
	return s
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// shortVersion is the table's Redis version as major.minor ("7.0").
func (t *table) shortVersion() string {
	parts := strings.SplitN(t.Redis, ".", 3)
	if len(parts) < 2 {
		return t.Redis
	}
	return parts[0] + "." + parts[1]
}

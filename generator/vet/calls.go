package vet

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/yuin/gopher-lua/ast"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/luasrc"
	"github.com/luagen/luagen/generator/model"
)

// redisCall is one call of redis.call or redis.pcall as the checks see
// it: written out, through an alias (local rcall = redis.call, a field of
// a local table), or inside a local function whose parameters (or ...)
// it takes as arguments, with the arguments of a call of that function
// put in their place, one redisCall per call.
type redisCall struct {
	fn   string // "redis.call" or "redis.pcall"
	args []callArg
	// through names the local functions the arguments came through,
	// outermost first.
	through []string
	// callee is where the call's callee is written; site is where the
	// outermost call of a function in through is (the callee when there
	// is none).
	callee, site pos
	// varargs says that some ... was replaced by a call's arguments, so
	// the number of arguments is the call's doing.
	varargs bool
	// dead says the call is in a local function that is never called, so
	// the parameters it takes hold nothing to judge.
	dead bool
}

type pos struct{ line, col int }

// callArg is one argument: the nth value of expr (all of its values from
// the nth on when open, for a multi-valued last argument), written at pos.
type callArg struct {
	expr ast.Expr
	nth  int
	open bool
	pos
}

// maxThrough bounds how many local functions deep arguments are followed,
// and maxCalls how many calls one script's redis calls are checked as;
// beyond either, a call is checked as written.
const (
	maxThrough = 8
	maxCalls   = 20000
)

// checkCalls checks every call of redis.call and redis.pcall, however it
// is reached, against the command table.
func (v *vetter) checkCalls() {
	budget := maxCalls
	for _, call := range v.p.Calls {
		if call.Receiver != nil {
			continue
		}
		fn := v.redisFn(call.Func, 0)
		if fn == "" {
			continue
		}
		rc := redisCall{fn: fn, args: v.argsOf(call), callee: v.calleePos(call)}
		rc.site = rc.callee
		for _, r := range v.expand(rc, v.p.Enclosing[call], 0, &budget, nil) {
			v.checkCall(r)
		}
	}
}

// expand returns rc as it is checked. When rc, written in the body of fn,
// takes fn's parameters or ... as arguments and fn is a local function
// only ever called by name, that is rc once per call of fn, with the
// call's arguments in their place, and so on outwards; otherwise rc.
func (v *vetter) expand(rc redisCall, fn *ast.FunctionExpr, depth int, budget *int, out []redisCall) []redisCall {
	sites := v.p.CallSites[fn]
	if fn == nil || len(sites) == 0 || depth >= maxThrough || *budget < len(sites) || !v.takesParams(rc, fn) {
		rc.dead = fn != nil && v.deadFuncs()[fn]
		return append(out, rc)
	}
	*budget -= len(sites)
	for _, site := range sites {
		out = v.expand(v.substitute(rc, fn, site), v.p.Enclosing[site], depth+1, budget, out)
	}
	return out
}

// param returns the index of the parameter of fn that e is, when e is
// one that the body never assigns (so it holds what the call gave).
func (v *vetter) param(e ast.Expr, fn *ast.FunctionExpr) (int, bool) {
	id, ok := e.(*ast.IdentExpr)
	if !ok {
		return 0, false
	}
	b := v.p.Idents[id].Binding
	if b == nil {
		return 0, false
	}
	for i, p := range v.p.Params[fn] {
		if p != b {
			continue
		}
		for _, val := range b.Values {
			if !val.Param {
				return 0, false
			}
		}
		return i, true
	}
	return 0, false
}

// takesParams reports whether rc has an argument that is a parameter of
// fn or its ....
func (v *vetter) takesParams(rc redisCall, fn *ast.FunctionExpr) bool {
	for _, a := range rc.args {
		if _, ok := a.expr.(*ast.Comma3Expr); ok && fn.ParList != nil && fn.ParList.HasVargs {
			return true
		}
		if _, ok := v.param(a.expr, fn); ok {
			return true
		}
	}
	return false
}

// substitute puts the arguments of site, a call of fn, in place of fn's
// parameters and ... in rc.
func (v *vetter) substitute(rc redisCall, fn *ast.FunctionExpr, site *ast.FuncCallExpr) redisCall {
	given := v.argsOf(site)
	sitePos := v.calleePos(site)
	// nthGiven is the value parameter i gets.
	nthGiven := func(i int) callArg {
		n := len(given)
		switch {
		case i < n && !(i == n-1 && given[i].open):
			return given[i]
		case n > 0 && given[n-1].open:
			last := given[n-1]
			return callArg{expr: last.expr, nth: last.nth + i - (n - 1), pos: last.pos}
		}
		return callArg{expr: &ast.NilExpr{}, pos: sitePos}
	}
	out := rc
	out.args = nil
	out.through = append([]string{site.Func.(*ast.IdentExpr).Value}, rc.through...)
	out.site = sitePos
	nParams := len(v.p.Params[fn])
	for _, a := range rc.args {
		if i, ok := v.param(a.expr, fn); ok {
			out.args = append(out.args, nthGiven(i))
			continue
		}
		if _, ok := a.expr.(*ast.Comma3Expr); !ok || fn.ParList == nil || !fn.ParList.HasVargs {
			out.args = append(out.args, a)
			continue
		}
		if !a.open {
			out.args = append(out.args, nthGiven(nParams))
			continue
		}
		out.varargs = true
		for i := nParams; i < len(given); i++ {
			out.args = append(out.args, given[i])
		}
		if n := len(given); n > 0 && n <= nParams && given[n-1].open {
			last := given[n-1]
			out.args = append(out.args, callArg{expr: last.expr, nth: last.nth + nParams - (n - 1), open: true, pos: last.pos})
		}
	}
	return out
}

// deadFuncs returns the local functions that are never called and never
// used other than by calling them: code that never runs.
func (v *vetter) deadFuncs() map[*ast.FunctionExpr]bool {
	if v.dead == nil {
		v.dead = map[*ast.FunctionExpr]bool{}
		for _, b := range v.p.Bindings {
			if b.Fn != nil && !b.Escapes && len(b.Values) == 1 && len(v.p.CallSites[b.Fn]) == 0 {
				v.dead[b.Fn] = true
			}
		}
	}
	return v.dead
}

// argsOf returns the arguments of call with their positions.
func (v *vetter) argsOf(call *ast.FuncCallExpr) []callArg {
	callee := v.calleePos(call)
	toks := v.f.CallArgs(v.calleeTok(call.Func), len(call.Args))
	out := make([]callArg, len(call.Args))
	for i, e := range call.Args {
		out[i] = callArg{expr: e, open: i == len(call.Args)-1 && luasrc.MultiValued(e), pos: callee}
		if i < len(toks) && toks[i] >= 0 {
			out[i].line, out[i].col = v.f.TokenPos(toks[i], call.Line())
		}
	}
	return out
}

// calleeTok returns the token a callee starts with: its name, or the
// table name of a field; -1 when unknown.
func (v *vetter) calleeTok(e ast.Expr) int {
	switch e := e.(type) {
	case *ast.IdentExpr:
		return v.p.Idents[e].Tok
	case *ast.AttrGetExpr:
		return v.calleeTok(e.Object)
	}
	return -1
}

func (v *vetter) calleePos(call *ast.FuncCallExpr) pos {
	line, col := v.f.TokenPos(v.calleeTok(call.Func), call.Line())
	return pos{line, col}
}

// redisFn returns "redis.call" or "redis.pcall" when e always is that
// function: written out, a local alias of it (upvalues included), a field
// of a local table holding it (local r = {call = redis.call}; r.call), or
// a field of a local alias of the redis table; "" otherwise.
func (v *vetter) redisFn(e ast.Expr, depth int) string {
	if depth > maxDepth {
		return ""
	}
	switch e := e.(type) {
	case *ast.IdentExpr:
		b := v.p.Idents[e].Binding
		if b == nil {
			return ""
		}
		if fn, ok := v.aliases[b]; ok {
			return fn
		}
		v.aliases[b] = "" // while it is being decided: a cycle is no alias
		fn := ""
		for i, val := range b.Values {
			f := ""
			if val.ElemOf == nil && val.Nth == 0 && val.Expr != nil {
				f = v.redisFn(val.Expr, depth+1)
			}
			if f == "" || i > 0 && f != fn {
				fn = ""
				break
			}
			fn = f
		}
		v.aliases[b] = fn
		return fn
	case *ast.AttrGetExpr:
		key, ok := e.Key.(*ast.StringExpr)
		if !ok {
			return ""
		}
		if v.isRedisTable(e.Object) {
			if key.Value == "call" || key.Value == "pcall" {
				return "redis." + key.Value
			}
			return ""
		}
		fn := ""
		known := v.keys.elements(e.Object, e.Key, func(val luasrc.Value) bool {
			f := ""
			if val.ElemOf == nil && val.Nth == 0 && val.Expr != nil {
				f = v.redisFn(val.Expr, depth+1)
			}
			if f == "" || fn != "" && f != fn {
				return false
			}
			fn = f
			return true
		})
		if !known {
			return ""
		}
		return fn
	}
	return ""
}

// isRedisTable reports whether e is the global redis or a local that
// always holds it.
func (v *vetter) isRedisTable(e ast.Expr) bool {
	id, ok := e.(*ast.IdentExpr)
	if !ok {
		return false
	}
	b := v.p.Idents[id].Binding
	if b == nil {
		return id.Value == "redis"
	}
	for _, val := range b.Values {
		if val.ElemOf != nil || val.Nth > 0 || !v.p.IsGlobal(val.Expr, "redis") {
			return false
		}
	}
	return len(b.Values) > 0
}

// through says which local functions a checked call's arguments came
// through, after the command's name: " (through get)", or "".
func (r redisCall) throughText() string {
	if len(r.through) == 0 {
		return ""
	}
	return " (through " + strings.Join(r.through, ", ") + ")"
}

func (v *vetter) checkCall(r redisCall) {
	fn := r.fn + r.throughText()
	args := r.args
	at := func(i int) (int, int) {
		if i < len(args) && args[i].line > 0 {
			return args[i].line, args[i].col
		}
		return r.callee.line, r.callee.col
	}
	if len(args) == 0 {
		line, col := at(0)
		v.report(diag.Error, diag.CommandArity, line, col, "%s needs a command name; Redis refuses the call (%q)", fn, "Please specify at least one argument for this redis lib call")
		return
	}
	name, ok := args[0].expr.(*ast.StringExpr)
	if !ok || args[0].nth > 0 {
		return // the command is chosen at run time
	}
	t := commands()
	nameLine, nameCol := at(0)
	cmd := t.lookup(name.Value)
	if cmd == nil {
		if strings.Contains(name.Value, ".") {
			return // a module command (JSON.SET, FT.SEARCH) the table cannot know
		}
		v.report(diag.Error, diag.UnknownCommand, nameLine, nameCol, "%s%s is not a Redis %s command%s; Redis refuses the call (%q)", quoteWord(name.Value), r.throughText(), t.shortVersion(), diag.DidYouMean(diag.Suggest(name.Value, t.names)), "Unknown Redis command called from script")
		return
	}
	n := len(args)
	open := args[n-1].open
	if len(cmd.Subcommands) > 0 {
		if n < 2 {
			v.report(diag.Error, diag.CommandArity, nameLine, nameCol, "%s%s needs a subcommand (%s); Redis refuses the call (%q)", cmd.displayName(), r.throughText(), strings.Join(cmd.subcommandNames(), ", "), "Wrong number of args calling Redis command from script")
			return
		}
		subName, ok := args[1].expr.(*ast.StringExpr)
		if !ok || args[1].nth > 0 {
			return
		}
		sub := cmd.subcommand(subName.Value)
		if sub == nil {
			line, col := at(1)
			v.report(diag.Error, diag.UnknownCommand, line, col, "%s is not a subcommand of %s%s%s; Redis refuses the call (%q)", quoteWord(subName.Value), cmd.displayName(), r.throughText(), diag.DidYouMean(diag.Suggest(subName.Value, cmd.subcommandNames())), "Unknown Redis command called from script")
			return
		}
		cmd = sub
	}
	display := cmd.displayName() + r.throughText()
	arityLine, arityCol := nameLine, nameCol
	if r.varargs {
		arityLine, arityCol = r.site.line, r.site.col // the call gave the arguments
	}
	v.checkArity(cmd, display, n, open, arityLine, arityCol)
	if cmd.has("noscript") {
		v.report(diag.Error, diag.NoscriptCommand, nameLine, nameCol, "%s cannot be called from a script; Redis refuses it (%q)", display, "This Redis command is not allowed from script")
	}
	if v.readOnly != "" && (cmd.has("write") || cmd.has("may_replicate")) {
		what := "writes"
		if !cmd.has("write") {
			what = "may replicate, which counts as a write"
		}
		v.report(diag.Error, diag.WriteInReadonly, nameLine, nameCol, "%s %s, but the script is read-only (%s); Redis refuses it (%q)", display, what, v.readOnly, "Write commands are not allowed from read-only scripts")
	}
	w := words{n: n, open: open, literal: func(i int) (string, bool) {
		if args[i].nth > 0 || args[i].open {
			return "", false
		}
		return literal(args[i].expr)
	}}
	for _, p := range cmd.keyPositions(w) {
		a := args[p]
		if _, isNil := a.expr.(*ast.NilExpr); isNil || r.dead || v.keys.value(a.expr, a.nth)&keyKind != 0 {
			// nil is no key on any node (an optional parameter a call left
			// out, which the function checks before using); a function
			// never called runs no call.
			continue
		}
		line, col := at(p)
		v.report(diag.Warning, diag.KeyNotFromKeys, line, col, "key of %s is not from KEYS but %s; on a cluster it may live on another node, where the call fails: %s", display, v.describe(a.expr, a.nth, 0), v.keyFix(a.expr, a.nth))
	}
}

func (v *vetter) checkArity(cmd *command, display string, n int, open bool, line, col int) {
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
	v.report(diag.Error, diag.CommandArity, line, col, "%s takes %s, not %s; Redis refuses the call (%q)", display, want, got, "Wrong number of args calling Redis command from script")
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

// describe says what the nth value of e is, for a message about a value
// that should have come from KEYS.
func (v *vetter) describe(e ast.Expr, nth, depth int) string {
	if call, ok := e.(*ast.FuncCallExpr); ok {
		return v.describeCall(call, depth)
	}
	if nth > 0 {
		return "a value of a multiple assignment"
	}
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
		return "a string built with .. from " + v.describe(leftmost(e), 0, depth)
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
			return v.describe(e.Rhs, 0, depth)
		}
		return v.describe(e.Lhs, 0, depth)
	case *ast.AttrGetExpr:
		if p, ok := v.paramOf(e); ok {
			return p.String()
		}
		if id, ok := e.Object.(*ast.IdentExpr); ok {
			switch {
			case v.keys.isArgvTable(id):
				return "an element of ARGV"
			case v.p.Idents[id].Binding != nil:
				if what, ok := v.describeTable(id, depth); ok {
					return "an element of " + what
				}
				return fmt.Sprintf("an element of %s, which holds other values", id.Value)
			}
		}
		return "a table field"
	case *ast.IdentExpr:
		b := v.p.Idents[e].Binding
		if b == nil {
			return "the global " + e.Value
		}
		if depth > 0 {
			return e.Value // the finding names one step; the next is a read away
		}
		for _, val := range b.Values {
			if v.keys.valueKind(val)&keyKind != 0 {
				continue
			}
			switch {
			case val.Why != "":
				return fmt.Sprintf("%s, %s", e.Value, val.Why)
			case val.ElemOf != nil:
				if what, ok := v.describeTable(val.ElemOf, depth); ok {
					return fmt.Sprintf("%s, an element of %s", e.Value, what)
				}
				return fmt.Sprintf("%s, an element of a table that is not KEYS (%s)", e.Value, v.f.LineRef(val.Line))
			}
			verb := "set to"
			if val.Param {
				verb = "given"
			}
			return fmt.Sprintf("%s, %s %s on %s", e.Value, verb, v.describe(val.Expr, val.Nth, depth+1), v.f.LineRef(val.Line))
		}
		return fmt.Sprintf("%s, which is never set", e.Value)
	}
	return "a value not taken from KEYS"
}

// describeTable says what the table t is, when it is a local set once to
// the result of a call: a reply, or a table decoded from a param.
func (v *vetter) describeTable(t ast.Expr, depth int) (string, bool) {
	id, ok := t.(*ast.IdentExpr)
	if !ok {
		return "", false
	}
	b := v.p.Idents[id].Binding
	if b == nil || len(b.Values) != 1 || len(b.Elems) > 0 || b.Values[0].Expr == nil {
		return "", false
	}
	val := b.Values[0]
	call, ok := val.Expr.(*ast.FuncCallExpr)
	if !ok {
		return "", false
	}
	where := ""
	if depth == 0 {
		where = fmt.Sprintf(" on line %d", val.Line) // deeper, the caller names a line
	}
	if lib, field, ok := v.p.GlobalField(call); ok && len(call.Args) == 1 && (lib.Value == "cmsgpack" && field == "unpack" || lib.Value == "cjson" && field == "decode") {
		return fmt.Sprintf("%s, a table decoded from %s by %s.%s%s", id.Value, v.describe(call.Args[0], 0, depth+1), lib.Value, field, where), true
	}
	return fmt.Sprintf("%s, set to %s%s", id.Value, v.describe(val.Expr, val.Nth, depth+1), where), true
}

func (v *vetter) describeCall(e *ast.FuncCallExpr, depth int) string {
	if fn := v.redisFn(e.Func, 0); fn != "" && e.Receiver == nil {
		return "a reply of " + fn
	}
	if format, first, ok := v.keys.formatCall(e); ok {
		if strings.HasPrefix(format, "%s") {
			return "a string built with string.format from " + v.describe(first, 0, depth)
		}
		return "a string built with string.format(" + quoteShort(format) + ", ...)"
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
	if lib, field, ok := v.p.GlobalField(e); ok {
		return fmt.Sprintf("the result of %s.%s()", lib.Value, field)
	}
	return "the result of a function call"
}

// paramRef is a key or arg of the header, as KEYS[n] or ARGV[n] names it.
type paramRef struct {
	table string // "KEYS" or "ARGV"
	n     int
	param *model.Param // nil past the declared ones
}

func (p paramRef) String() string {
	s := fmt.Sprintf("%s[%d]", p.table, p.n)
	if p.param != nil {
		s += fmt.Sprintf(" (%s %s)", p.kind(), p.param.Name)
	}
	return s
}

func (p paramRef) kind() string {
	if p.table == "KEYS" {
		return "key"
	}
	return "arg"
}

// paramOf returns the param that KEYS[n] or ARGV[n] with a literal n is.
func (v *vetter) paramOf(e *ast.AttrGetExpr) (paramRef, bool) {
	var params []model.Param
	var table string
	switch {
	case v.keys.isKeysTable(e.Object):
		params, table = v.script.Keys, "KEYS"
	case v.keys.isArgvTable(e.Object):
		params, table = v.script.Args, "ARGV"
	default:
		return paramRef{}, false
	}
	num, ok := e.Key.(*ast.NumberExpr)
	if !ok {
		return paramRef{}, false
	}
	n, err := strconv.Atoi(num.Value)
	if err != nil || n < 1 {
		return paramRef{}, false
	}
	ref := paramRef{table: table, n: n}
	if n <= len(params) {
		ref.param = &params[n-1]
	}
	return ref, true
}

// keyFix says how to fix a key that is not from KEYS: declare it, or,
// when it is built with .. or string.format from a param that is not a
// key prefix, declare that param a prefix.
func (v *vetter) keyFix(e ast.Expr, nth int) string {
	const declare = "declare it under keys: and pass it in KEYS"
	if p, ok := v.builtFrom(e, nth, 0, false, map[*luasrc.Binding]bool{}); ok && p.param != nil && !p.param.Prefix {
		return fmt.Sprintf("%s, or, if %s is a key prefix with a hash tag ({...}), mark it prefix: true in the header", declare, p)
	}
	return declare
}

// builtFrom finds the param that the string e is built from with .. or
// string.format, leftmost (built says e is already part of such a string).
// Each local's values are looked at once (seen).
func (v *vetter) builtFrom(e ast.Expr, nth, depth int, built bool, seen map[*luasrc.Binding]bool) (paramRef, bool) {
	if depth > maxDepth {
		return paramRef{}, false
	}
	switch e := e.(type) {
	case *ast.StringConcatOpExpr:
		return v.builtFrom(leftmost(e), 0, depth+1, true, seen)
	case *ast.FuncCallExpr:
		if format, first, ok := v.keys.formatCall(e); ok && nth == 0 && strings.HasPrefix(format, "%s") {
			return v.builtFrom(first, 0, depth+1, true, seen)
		}
		if v.p.IsGlobalCall(e, "tostring") && nth == 0 && len(e.Args) > 0 {
			return v.builtFrom(e.Args[0], 0, depth+1, built, seen)
		}
	case *ast.LogicalOpExpr:
		if p, ok := v.builtFrom(e.Rhs, 0, depth+1, built, seen); ok {
			return p, true
		}
		return v.builtFrom(e.Lhs, 0, depth+1, built, seen)
	case *ast.AttrGetExpr:
		if p, ok := v.paramOf(e); ok && built {
			return p, true
		}
	case *ast.IdentExpr:
		if b := v.p.Idents[e].Binding; b != nil && !seen[b] {
			seen[b] = true
			for _, val := range b.Values {
				if val.Expr == nil || v.keys.valueKind(val)&keyKind != 0 {
					continue
				}
				if p, ok := v.builtFrom(val.Expr, val.Nth, depth+1, built, seen); ok {
					return p, true
				}
			}
		}
	}
	return paramRef{}, false
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

package corpus

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// Shape is what a script does with KEYS and ARGV, found by a heuristic
// walk of its gopher-lua syntax tree (Analyze). It is meant for writing
// luagen headers for existing scripts and for measuring what vet will meet,
// not for proofs: see Analyze for what it follows and what it does not.
//
// Params are named "KEYS[n]" and "ARGV[n]"; "KEYS[*]"/"ARGV[*]" stand for
// an element read with a computed index or through ipairs/unpack; a field
// of a table decoded from a param (cmsgpack.unpack(ARGV[1])[1],
// cjson.decode(ARGV[3]).jobId) is "ARGV[1].1", "ARGV[3].jobId".
type Shape struct {
	ParseErr error

	Keys, Args []int // literal KEYS[n] / ARGV[n] indexes read, sorted
	// Dynamic lists the non-literal uses of KEYS and ARGV, each once:
	// "#ARGV" (or table.getn(ARGV)), "ARGV[i]", "unpack(KEYS)",
	// "ipairs(KEYS)", "KEYS as a value"; "KEYS[7..10]" for KEYS[i] in a
	// loop for i = 7, 10, whose indexes also count in Keys.
	Dynamic []string

	// KeyUse maps a param to how it reaches a key position of a Redis
	// command: "key" (the param itself), "prefix" (the leftmost operand of
	// a concatenation: KEYS[9] .. id), "part" (a later operand:
	// "asynq:{" .. ARGV[1] .. "}:t:"). Values are sorted.
	KeyUse map[string][]string
	// Concat maps a param to its uses in any concatenation or
	// string.format, key or not: "prefix" or "part".
	Concat map[string][]string

	// OtherKeys counts key positions holding neither a literal string nor
	// anything built from a param: a reply (a key name stored in a hash or
	// set), or a value the walk does not follow.
	OtherKeys   int
	RedisCalls  int      // calls of redis.call/pcall, direct or through an alias
	AliasCalls  int      // of those, through a local alias
	Aliases     []string // local names bound to redis.call or redis.pcall
	DynamicCmds int      // calls whose command name is not a literal string
	Commands    []string // literal command names, upper case, sorted
	Functions   int      // local (and global) function definitions
	// KeyFunctions are the function parameters that reach a key position,
	// as "f(x)", or "f(x as prefix)" / "f(x as part)" when a key is built
	// from them; "f(x.id as part)" for a field of a table decoded from x.
	// Anonymous functions are named "function".
	KeyFunctions []string
	Libs         []string // library functions used: cjson.decode, cmsgpack.unpack, redis.setresp ...
	// Free are names read but bound nowhere in the script and not globals
	// of Redis's Lua: in a BullMQ include, the including command's locals
	// (rcall); anywhere else, a bug.
	Free []string
}

type factKind uint8

const (
	kAlias   factKind = iota // the param's value itself
	kPrefix                  // a string starting with the param
	kPart                    // a string containing the param after its start
	kDecoded                 // a table decoded from the param
)

// fnParam starts the pseudo-param of a function's parameter: "fn:f(x",
// or "fn:f(x.field" for a field of a table decoded from it.
const fnParam = "fn:"

var kindNames = [...]string{kAlias: "key", kPrefix: "prefix", kPart: "part", kDecoded: "decoded"}

type fact struct {
	param string
	kind  factKind
}

type facts map[fact]bool

// add merges o into f and reports whether f grew.
func (f facts) add(o facts) bool {
	grew := false
	for k := range o {
		if !f[k] {
			f[k] = true
			grew = true
		}
	}
	return grew
}

// binding is a local, a parameter or a global; shared by pointer.
type binding struct {
	facts facts
	rcall bool              // bound to redis.call / redis.pcall
	fn    *ast.FunctionExpr // a function definition
	name  string            // for reports
	ret   facts             // a function's return values
	// A numeric for loop's variable with literal bounds: for i = lo, hi.
	ranged bool
	lo, hi int
}

type analyzer struct {
	shape  *Shape
	scopes []map[string]*binding
	// persistent bindings, keyed by their declaring node and position, so
	// that repeated walks (the fixpoint) see the same objects.
	decls   map[declKey]*binding
	globals map[string]*binding
	fnStack []*binding
	grew    bool

	keys, args    map[int]bool
	dynamic       map[string]bool
	keyUse        map[string]map[string]bool
	concat        map[string]map[string]bool
	aliases       map[string]bool
	commands      map[string]bool
	keyFunctions  map[string]bool
	libs          map[string]bool
	calls, viaAls int
	dynCmds       int
	otherKeys     int
	functions     map[*ast.FunctionExpr]bool
	free          map[string]bool
}

type declKey struct {
	node any
	i    int
}

// Analyze parses a Lua 5.1 script with gopher-lua and walks it.
//
// It follows, scoped and flow-insensitively, what locals and function
// parameters can hold: a param (KEYS[n], ARGV[n], a field of a table
// decoded from one with cmsgpack.unpack or cjson.decode), a string that
// starts with one (a .. b .. c with the param leftmost, string.format
// whose format starts with %s) or contains one. Arguments of calls of
// local functions flow into their parameters, and return values back, to
// a fixpoint. `local rcall = redis.call` aliases are followed.
//
// Key positions are the first argument after the command name (the
// second for MEMORY USAGE, OBJECT and XINFO subcommands), every
// argument of DEL/UNLINK/EXISTS/TOUCH/MGET/WATCH and the set commands
// S*STORE/SUNION/SINTER/SDIFF/PFCOUNT/PFMERGE, the first two of
// RPOPLPUSH/LMOVE/SMOVE/RENAME/RENAMENX/COPY, the first of MSET/MSETNX
// pairs, and none for commands without keys (PUBLISH, TIME, INFO ...).
// Tables other than decoded params are approximated by the union of
// what is stored in their constructor; t[k] = v and table.insert are not
// followed. Aliases stored in tables, metatables and load/loadstring are
// not followed.
func Analyze(src string) Shape {
	var s Shape
	stmts, err := parse.Parse(strings.NewReader(src), "script.lua")
	if err != nil {
		s.ParseErr = err
		return s
	}
	a := &analyzer{
		shape:   &s,
		decls:   map[declKey]*binding{},
		globals: map[string]*binding{},
	}
	for i := 0; i < 20; i++ {
		a.reset()
		a.grew = false
		a.push()
		a.block(stmts)
		a.pop()
		if !a.grew {
			break
		}
	}
	a.fill()
	return s
}

func (a *analyzer) reset() {
	a.keys, a.args = map[int]bool{}, map[int]bool{}
	a.dynamic = map[string]bool{}
	a.keyUse = map[string]map[string]bool{}
	a.concat = map[string]map[string]bool{}
	a.aliases = map[string]bool{}
	a.commands = map[string]bool{}
	a.keyFunctions = map[string]bool{}
	a.libs = map[string]bool{}
	a.functions = map[*ast.FunctionExpr]bool{}
	a.free = map[string]bool{}
	a.calls, a.viaAls, a.dynCmds, a.otherKeys = 0, 0, 0, 0
}

func (a *analyzer) fill() {
	s := a.shape
	s.Keys, s.Args = sortedInts(a.keys), sortedInts(a.args)
	s.Dynamic = sortedKeys(a.dynamic)
	s.KeyUse = flattenSets(a.keyUse)
	s.Concat = flattenSets(a.concat)
	s.RedisCalls, s.AliasCalls, s.DynamicCmds, s.OtherKeys = a.calls, a.viaAls, a.dynCmds, a.otherKeys
	s.Aliases = sortedKeys(a.aliases)
	s.Commands = sortedKeys(a.commands)
	s.Functions = len(a.functions)
	s.KeyFunctions = sortedKeys(a.keyFunctions)
	s.Libs = sortedKeys(a.libs)
	s.Free = sortedKeys(a.free)
}

// luaGlobals are the global names scripts see in Redis 7 (and Lua 5.1's
// that Redis keeps).
var luaGlobals = set("KEYS", "ARGV", "redis", "cjson", "cmsgpack", "bit", "struct", "string", "table",
	"math", "os", "_G", "_VERSION", "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
	"rawequal", "rawget", "rawset", "select", "setmetatable", "tonumber", "tostring", "type", "unpack",
	"xpcall", "loadstring", "gcinfo", "getfenv", "setfenv", "coroutine", "print")

func (a *analyzer) push() { a.scopes = append(a.scopes, map[string]*binding{}) }
func (a *analyzer) pop()  { a.scopes = a.scopes[:len(a.scopes)-1] }

func (a *analyzer) declare(node any, i int, name string) *binding {
	k := declKey{node, i}
	b := a.decls[k]
	if b == nil {
		b = &binding{facts: facts{}, ret: facts{}, name: name}
		a.decls[k] = b
	}
	a.scopes[len(a.scopes)-1][name] = b
	return b
}

func (a *analyzer) lookup(name string) *binding {
	for i := len(a.scopes) - 1; i >= 0; i-- {
		if b, ok := a.scopes[i][name]; ok {
			return b
		}
	}
	return a.globals[name]
}

func (a *analyzer) local(name string) bool {
	for i := len(a.scopes) - 1; i >= 0; i-- {
		if _, ok := a.scopes[i][name]; ok {
			return true
		}
	}
	return false
}

func (a *analyzer) merge(b *binding, f facts) {
	if b.facts.add(f) {
		a.grew = true
	}
}

func (a *analyzer) block(stmts []ast.Stmt) {
	a.push()
	for _, s := range stmts {
		a.stmt(s)
	}
	a.pop()
}

func (a *analyzer) stmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.LocalAssignStmt:
		// local function f: f is in scope in its own body.
		if len(s.Names) == 1 && len(s.Exprs) == 1 {
			if fn, ok := s.Exprs[0].(*ast.FunctionExpr); ok {
				b := a.declare(s, 0, s.Names[0])
				b.fn = fn
				a.function(fn, b)
				return
			}
		}
		vals := a.exprList(s.Exprs)
		for i, name := range s.Names {
			b := a.declare(s, i, name)
			a.bindValue(b, s.Exprs, i, vals)
		}
	case *ast.AssignStmt:
		// Targets first: a function assigned to a forward-declared local
		// (local f; f = function ... end) is walked as that local's.
		targets := make([]*binding, len(s.Lhs))
		for i, lhs := range s.Lhs {
			switch l := lhs.(type) {
			case *ast.IdentExpr:
				b := a.lookup(l.Value)
				if b == nil {
					b = &binding{facts: facts{}, ret: facts{}, name: l.Value}
					a.globals[l.Value] = b
				}
				targets[i] = b
				if i < len(s.Rhs) {
					if fn, ok := s.Rhs[i].(*ast.FunctionExpr); ok {
						b.fn = fn
					}
				}
			case *ast.AttrGetExpr:
				a.expr(l.Object)
				a.expr(l.Key)
			}
		}
		vals := make([]facts, len(s.Rhs))
		for i, e := range s.Rhs {
			if fn, ok := e.(*ast.FunctionExpr); ok && i < len(targets) && targets[i] != nil {
				a.function(fn, targets[i])
				continue
			}
			vals[i] = a.expr(e)
		}
		for i, b := range targets {
			if b != nil {
				a.bindValue(b, s.Rhs, i, vals)
			}
		}
	case *ast.FuncCallStmt:
		a.expr(s.Expr)
	case *ast.DoBlockStmt:
		a.block(s.Stmts)
	case *ast.WhileStmt:
		a.expr(s.Condition)
		a.block(s.Stmts)
	case *ast.RepeatStmt:
		a.push()
		for _, st := range s.Stmts {
			a.stmt(st)
		}
		a.expr(s.Condition)
		a.pop()
	case *ast.IfStmt:
		a.expr(s.Condition)
		a.block(s.Then)
		a.block(s.Else)
	case *ast.NumberForStmt:
		a.expr(s.Init)
		a.expr(s.Limit)
		if s.Step != nil {
			a.expr(s.Step)
		}
		a.push()
		b := a.declare(s, 0, s.Name)
		lo, okLo := intLit(s.Init)
		hi, okHi := intLit(s.Limit)
		step, okStep := 1, true
		if s.Step != nil {
			step, okStep = intLit(s.Step)
		}
		if okLo && okHi && okStep && step == 1 && lo <= hi && hi-lo < 64 {
			b.ranged, b.lo, b.hi = true, lo, hi
		}
		a.block(s.Stmts)
		a.pop()
	case *ast.GenericForStmt:
		var elem facts
		if len(s.Exprs) == 1 {
			if call, ok := s.Exprs[0].(*ast.FuncCallExpr); ok && len(call.Args) == 1 && isGlobalName(a, call.Func, "ipairs", "pairs") {
				switch {
				case isGlobalName(a, call.Args[0], "KEYS"):
					a.dynamic["ipairs(KEYS)"] = true
					elem = facts{{"KEYS[*]", kAlias}: true}
				case isGlobalName(a, call.Args[0], "ARGV"):
					a.dynamic["ipairs(ARGV)"] = true
					elem = facts{{"ARGV[*]", kAlias}: true}
				default:
					elem = a.expr(call.Args[0])
				}
				a.expr(call.Func)
			} else {
				a.exprs(s.Exprs)
			}
		} else {
			a.exprs(s.Exprs)
		}
		a.push()
		for i, name := range s.Names {
			b := a.declare(s, i, name)
			if i == 1 && elem != nil {
				a.merge(b, elem)
			}
		}
		a.block(s.Stmts)
		a.pop()
	case *ast.FuncDefStmt:
		// function name() / function t.name() / function t:name()
		var b *binding
		if id, ok := s.Name.Func.(*ast.IdentExpr); ok {
			if b = a.lookup(id.Value); b == nil {
				b = &binding{facts: facts{}, ret: facts{}, name: id.Value}
				a.globals[id.Value] = b
			}
			b.fn = s.Func
		} else {
			b = a.declare(s, 0, "function")
		}
		a.function(s.Func, b)
	case *ast.ReturnStmt:
		f := facts{}
		for _, e := range s.Exprs {
			f.add(a.expr(e))
		}
		if n := len(a.fnStack); n > 0 {
			if a.fnStack[n-1].ret.add(f) {
				a.grew = true
			}
		}
	}
}

// bindValue gives b the value of position i of an assignment.
func (a *analyzer) bindValue(b *binding, exprs []ast.Expr, i int, vals []facts) {
	if i < len(exprs) && a.isRedisCallee(exprs[i]) {
		b.rcall = true
		a.aliases[b.name] = true
	}
	if i < len(vals) {
		a.merge(b, vals[i])
	}
}

// exprList evaluates the right side of an assignment.
func (a *analyzer) exprList(exprs []ast.Expr) []facts {
	out := make([]facts, 0, len(exprs))
	for _, e := range exprs {
		out = append(out, a.expr(e))
	}
	return out
}

func (a *analyzer) exprs(list []ast.Expr) {
	for _, e := range list {
		a.expr(e)
	}
}

func (a *analyzer) function(fn *ast.FunctionExpr, b *binding) {
	a.functions[fn] = true
	a.push()
	for i, name := range fn.ParList.Names {
		p := a.declare(fn, i, name)
		// A pseudo-param names the parameter, to find functions whose
		// parameters reach a key; the real facts come from call sites.
		a.merge(p, facts{{fnParam + b.name + "(" + name, kAlias}: true})
	}
	a.fnStack = append(a.fnStack, b)
	for _, s := range fn.Stmts {
		a.stmt(s)
	}
	a.fnStack = a.fnStack[:len(a.fnStack)-1]
	a.pop()
}

// isGlobalName reports whether e is one of the names, not shadowed by a local.
func isGlobalName(a *analyzer, e ast.Expr, names ...string) bool {
	id, ok := e.(*ast.IdentExpr)
	if !ok || a.local(id.Value) {
		return false
	}
	for _, n := range names {
		if id.Value == n {
			return true
		}
	}
	return false
}

// libField returns "lib.field" for a global library's field (redis.call).
func (a *analyzer) libField(e ast.Expr) (string, bool) {
	get, ok := e.(*ast.AttrGetExpr)
	if !ok {
		return "", false
	}
	key, ok := get.Key.(*ast.StringExpr)
	if !ok || !isGlobalName(a, get.Object, "redis", "cjson", "cmsgpack", "struct", "bit", "string", "table", "math") {
		return "", false
	}
	return get.Object.(*ast.IdentExpr).Value + "." + key.Value, true
}

func (a *analyzer) isRedisCallee(e ast.Expr) bool {
	if f, ok := a.libField(e); ok {
		return f == "redis.call" || f == "redis.pcall"
	}
	if id, ok := e.(*ast.IdentExpr); ok {
		if b := a.lookup(id.Value); b != nil {
			return b.rcall
		}
	}
	return false
}

// expr evaluates e, recording what it reads, and returns its facts.
func (a *analyzer) expr(e ast.Expr) facts {
	switch e := e.(type) {
	case *ast.IdentExpr:
		if e.Value == "KEYS" || e.Value == "ARGV" {
			if !a.local(e.Value) {
				a.dynamic[e.Value+" as a value"] = true
				return facts{{e.Value + "[*]", kAlias}: true}
			}
		}
		if b := a.lookup(e.Value); b != nil {
			return b.facts
		}
		if !luaGlobals[e.Value] {
			a.free[e.Value] = true
		}
		return nil
	case *ast.AttrGetExpr:
		return a.index(e)
	case *ast.StringConcatOpExpr:
		var ops []ast.Expr
		var flat func(ast.Expr)
		flat = func(x ast.Expr) {
			if c, ok := x.(*ast.StringConcatOpExpr); ok {
				flat(c.Lhs)
				flat(c.Rhs)
				return
			}
			ops = append(ops, x)
		}
		flat(e)
		out := facts{}
		for i, op := range ops {
			for f := range a.expr(op) {
				if f.kind == kDecoded {
					continue
				}
				kind := kPart
				if i == 0 && f.kind != kPart {
					kind = kPrefix
				}
				if !strings.HasPrefix(f.param, fnParam) {
					a.setAdd(a.concat, f.param, kindNames[kind])
				}
				out[fact{f.param, kind}] = true
			}
		}
		return out
	case *ast.LogicalOpExpr:
		out := facts{}
		out.add(a.expr(e.Lhs))
		out.add(a.expr(e.Rhs))
		return out
	case *ast.RelationalOpExpr:
		a.expr(e.Lhs)
		a.expr(e.Rhs)
	case *ast.ArithmeticOpExpr:
		a.expr(e.Lhs)
		a.expr(e.Rhs)
	case *ast.UnaryMinusOpExpr:
		a.expr(e.Expr)
	case *ast.UnaryNotOpExpr:
		a.expr(e.Expr)
	case *ast.UnaryLenOpExpr:
		if isGlobalName(a, e.Expr, "KEYS", "ARGV") {
			a.dynamic["#"+e.Expr.(*ast.IdentExpr).Value] = true
			return nil
		}
		a.expr(e.Expr)
	case *ast.TableExpr:
		out := facts{}
		for _, f := range e.Fields {
			if f.Key != nil {
				a.expr(f.Key)
			}
			out.add(a.expr(f.Value))
		}
		return out
	case *ast.FunctionExpr:
		b := a.declare(e, -1, "function")
		b.fn = e
		a.function(e, b)
	case *ast.FuncCallExpr:
		return a.call(e)
	}
	return nil
}

// index evaluates obj[key]: KEYS[n], ARGV[n], fields of decoded params.
func (a *analyzer) index(e *ast.AttrGetExpr) facts {
	if isGlobalName(a, e.Object, "KEYS", "ARGV") {
		name := e.Object.(*ast.IdentExpr).Value
		if n, ok := e.Key.(*ast.NumberExpr); ok {
			if i, err := strconv.Atoi(n.Value); err == nil {
				if name == "KEYS" {
					a.keys[i] = true
				} else {
					a.args[i] = true
				}
				return facts{{fmt.Sprintf("%s[%d]", name, i), kAlias}: true}
			}
		}
		// KEYS[i] in for i = 7, 10: the literal indexes 7 to 10.
		if id, ok := e.Key.(*ast.IdentExpr); ok {
			if b := a.lookup(id.Value); b != nil && b.ranged {
				a.dynamic[fmt.Sprintf("%s[%d..%d]", name, b.lo, b.hi)] = true
				out := facts{}
				for i := b.lo; i <= b.hi; i++ {
					if name == "KEYS" {
						a.keys[i] = true
					} else {
						a.args[i] = true
					}
					out[fact{fmt.Sprintf("%s[%d]", name, i), kAlias}] = true
				}
				return out
			}
		}
		a.dynamic[name+"["+exprText(e.Key)+"]"] = true
		a.expr(e.Key)
		return facts{{name + "[*]", kAlias}: true}
	}
	if _, ok := a.libField(e); ok {
		return nil
	}
	obj := a.expr(e.Object)
	a.expr(e.Key)
	out := facts{}
	for f := range obj {
		// A field of a decoded table, or of one of its fields.
		if f.kind == kDecoded || (f.kind == kAlias && decodedField(f.param)) {
			field := "*"
			switch k := e.Key.(type) {
			case *ast.NumberExpr:
				field = k.Value
			case *ast.StringExpr:
				field = k.Value
			}
			out[fact{f.param + "." + field, kAlias}] = true
			continue
		}
		// An element of a table built from params.
		out[f] = true
	}
	return out
}

// decodedField reports whether a param names a field of a decoded table
// ("ARGV[1].5", "fn:f(opts.de"), whose own fields get names too.
func decodedField(param string) bool {
	if strings.HasPrefix(param, fnParam) {
		return strings.Contains(param[strings.Index(param, "("):], ".")
	}
	return strings.Contains(param, "].")
}

func intLit(e ast.Expr) (int, bool) {
	switch e := e.(type) {
	case *ast.NumberExpr:
		n, err := strconv.Atoi(e.Value)
		return n, err == nil
	case *ast.UnaryMinusOpExpr:
		n, ok := intLit(e.Expr)
		return -n, ok
	}
	return 0, false
}

func exprText(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.IdentExpr:
		return e.Value
	case *ast.NumberExpr:
		return e.Value
	case *ast.ArithmeticOpExpr:
		return exprText(e.Lhs) + e.Operator + exprText(e.Rhs)
	case *ast.Comma3Expr:
		return "..."
	}
	return "expr"
}

func (a *analyzer) call(c *ast.FuncCallExpr) facts {
	if c.Receiver != nil { // obj:method(...)
		a.expr(c.Receiver)
		a.exprs(c.Args)
		return nil
	}
	if a.isRedisCallee(c.Func) {
		a.redisCall(c)
		return nil
	}
	if lib, ok := a.libField(c.Func); ok {
		if !strings.HasPrefix(lib, "string.") && !strings.HasPrefix(lib, "table.") && !strings.HasPrefix(lib, "math.") {
			a.libs[lib] = true
		}
		if lib == "table.getn" && len(c.Args) == 1 && isGlobalName(a, c.Args[0], "KEYS", "ARGV") {
			a.dynamic["#"+c.Args[0].(*ast.IdentExpr).Value] = true
			return nil
		}
		args := make([]facts, len(c.Args))
		for i, arg := range c.Args {
			args[i] = a.expr(arg)
		}
		switch lib {
		case "cmsgpack.unpack", "cjson.decode":
			out := facts{}
			if len(args) > 0 {
				for f := range args[0] {
					if f.kind == kAlias {
						out[fact{f.param, kDecoded}] = true
					}
				}
			}
			return out
		case "string.format":
			return a.format(c, args)
		case "string.lower", "string.upper", "string.sub":
			if len(args) > 0 {
				return args[0]
			}
		}
		return nil
	}
	if isGlobalName(a, c.Func, "unpack") {
		for _, arg := range c.Args {
			if isGlobalName(a, arg, "KEYS", "ARGV") {
				a.dynamic["unpack("+arg.(*ast.IdentExpr).Value+")"] = true
			}
		}
	}
	args := make([]facts, len(c.Args))
	for i, arg := range c.Args {
		if isGlobalName(a, c.Func, "unpack") && isGlobalName(a, arg, "KEYS", "ARGV") {
			args[i] = facts{{arg.(*ast.IdentExpr).Value + "[*]", kAlias}: true}
			continue
		}
		args[i] = a.expr(arg)
	}
	if isGlobalName(a, c.Func, "tostring", "unpack") && len(args) > 0 {
		return args[0]
	}
	a.expr(c.Func)
	id, ok := c.Func.(*ast.IdentExpr)
	if !ok {
		return nil
	}
	b := a.lookup(id.Value)
	if b == nil || b.fn == nil {
		return nil
	}
	for i := range b.fn.ParList.Names {
		if i >= len(args) {
			break
		}
		if p := a.decls[declKey{b.fn, i}]; p != nil && p.facts.add(args[i]) {
			a.grew = true
		}
	}
	return b.ret
}

// format evaluates string.format(fmt, ...): an argument for a %s at the
// start of a literal format is a prefix, any other a part.
func (a *analyzer) format(c *ast.FuncCallExpr, args []facts) facts {
	out := facts{}
	lead := false
	if len(c.Args) > 0 {
		if s, ok := c.Args[0].(*ast.StringExpr); ok {
			lead = strings.HasPrefix(s.Value, "%s")
		}
	}
	for i := 1; i < len(args); i++ {
		for f := range args[i] {
			if f.kind == kDecoded {
				continue
			}
			kind := kPart
			if i == 1 && lead && f.kind != kPart {
				kind = kPrefix
			}
			if !strings.HasPrefix(f.param, fnParam) {
				a.setAdd(a.concat, f.param, kindNames[kind])
			}
			out[fact{f.param, kind}] = true
		}
	}
	return out
}

// Commands whose arguments after the name are all keys, or whose first two
// are, or that have no keys; any other command's first argument is its key.
var (
	allKeys = set("DEL", "UNLINK", "EXISTS", "TOUCH", "MGET", "WATCH", "SDIFF", "SINTER", "SUNION",
		"SDIFFSTORE", "SINTERSTORE", "SUNIONSTORE", "PFCOUNT", "PFMERGE")
	twoKeys = set("RPOPLPUSH", "LMOVE", "SMOVE", "RENAME", "RENAMENX", "COPY", "BRPOPLPUSH", "BLMOVE",
		"ZRANGESTORE", "GEOSEARCHSTORE")
	pairKeys = set("MSET", "MSETNX")
	subKey   = set("MEMORY", "OBJECT", "XINFO") // MEMORY USAGE key, OBJECT ENCODING key, XINFO STREAM key
	noKeys   = set("PUBLISH", "SPUBLISH", "TIME", "INFO", "PING", "ECHO", "DBSIZE", "SCRIPT", "CLIENT",
		"CLUSTER", "CONFIG", "COMMAND", "FLUSHALL", "FLUSHDB", "RANDOMKEY", "SCAN", "KEYS", "SELECT", "SWAPDB")
)

func set(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

func (a *analyzer) redisCall(c *ast.FuncCallExpr) {
	a.calls++
	if _, ok := c.Func.(*ast.IdentExpr); ok {
		a.viaAls++
	}
	args := make([]facts, len(c.Args))
	for i, arg := range c.Args {
		args[i] = a.expr(arg)
	}
	if len(args) < 2 {
		return
	}
	cmd := ""
	if s, ok := c.Args[0].(*ast.StringExpr); ok {
		cmd = strings.ToUpper(s.Value)
		a.commands[cmd] = true
	} else {
		a.dynCmds++
	}
	var pos []int
	switch {
	case noKeys[cmd]:
	case allKeys[cmd]:
		for i := 1; i < len(args); i++ {
			pos = append(pos, i)
		}
	case twoKeys[cmd]:
		pos = []int{1, 2}
	case subKey[cmd]:
		pos = []int{2}
	case pairKeys[cmd]:
		for i := 1; i < len(args); i += 2 {
			pos = append(pos, i)
		}
	default:
		pos = []int{1}
	}
	for _, i := range pos {
		if i >= len(args) {
			continue
		}
		if _, lit := c.Args[i].(*ast.StringExpr); !lit && !hasParam(args[i]) {
			a.otherKeys++
		}
		for f := range args[i] {
			switch {
			case f.kind == kDecoded:
			case strings.HasPrefix(f.param, fnParam):
				fn := strings.TrimPrefix(f.param, fnParam)
				if f.kind != kAlias {
					fn += " as " + kindNames[f.kind]
				}
				a.keyFunctions[fn+")"] = true
			default:
				a.setAdd(a.keyUse, f.param, kindNames[f.kind])
			}
		}
	}
}

// hasParam reports whether a value holds a param (or a function
// parameter's pseudo-param).
func hasParam(f facts) bool {
	for k := range f {
		if k.kind != kDecoded {
			return true
		}
	}
	return false
}

func (a *analyzer) setAdd(m map[string]map[string]bool, k, v string) {
	if m[k] == nil {
		m[k] = map[string]bool{}
	}
	m[k][v] = true
}

func sortedInts(m map[int]bool) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func flattenSets(m map[string]map[string]bool) map[string][]string {
	out := map[string][]string{}
	for k, v := range m {
		out[k] = sortedKeys(v)
	}
	return out
}

// ParamDocs reads the KEYS/ARGV documentation of a script's comment: asynq
// writes `KEYS[1] -> asynq:{<qname>}:t:<task_id>` in the Go doc comment,
// BullMQ `KEYS[1] 'wait'` or `ARGV[2] Json stringified job data` in the
// script's leading --[[ ]] comment. It returns the text after each
// KEYS[n]/ARGV[n] at the start of a line (after comment markers), by n.
// Only the first documentation of an index counts.
func ParamDocs(doc string) (keys, args map[int]string) {
	keys, args = map[int]string{}, map[int]string{}
	for _, m := range paramDocRE.FindAllStringSubmatch(doc, -1) {
		n, err := strconv.Atoi(m[2])
		if err != nil {
			continue
		}
		text := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(m[3]), "->"))
		text = strings.TrimSpace(strings.TrimSuffix(text, ","))
		target := keys
		if m[1] == "ARGV" {
			target = args
		}
		if _, seen := target[n]; !seen {
			target[n] = text
		}
	}
	return keys, args
}

var paramDocRE = regexp.MustCompile(`(?m)^[ \t]*(?:--+|//)?[ \t]*(KEYS|ARGV)\[(\d+)\](.*)$`)

// LeadingComment returns the first --[[ ]] block comment of a Lua source,
// or the run of -- line comments it starts with, where BullMQ documents
// KEYS and ARGV.
func LeadingComment(src string) string {
	t := strings.TrimLeft(src, " \t\r\n")
	if strings.HasPrefix(t, "--[[") {
		if i := strings.Index(t, "]]"); i >= 0 {
			return t[:i+2]
		}
	}
	var b strings.Builder
	for _, line := range strings.Split(t, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			break
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

package vet

import (
	"github.com/yuin/gopher-lua/ast"

	"github.com/luagen/luagen/generator/luaast"
)

// binding is one local variable: declared by local, local function, a
// function parameter or a for loop.
type binding struct {
	values []value // everything assigned to it, nil values left out
	// fn is the local function the variable holds, if any; its parameters
	// (walker.params) take the arguments of its direct calls.
	fn      *ast.FunctionExpr
	escapes bool // the function is used other than by calling it
	// elems are the values stored into the table it holds: t[i] = v,
	// t.f = v, table.insert(t, v).
	elems []value

	// Results of resolveValues: whether every value is a key from KEYS,
	// whether it always holds the KEYS table itself, and whether it holds
	// tables whose every element is a key from KEYS (KEYS, {KEYS[1]}, a
	// list filled from KEYS).
	isKey, isKeys, isKeyList bool
}

// value is one thing assigned to a binding.
type value struct {
	expr ast.Expr // nil: something vet does not follow, explained by why
	nth  int      // which value of a multi-valued expr: local a, b = unpack(KEYS)
	// elemOf is set for the value variable of "for _, v in ipairs(t)":
	// an element of t.
	elemOf ast.Expr
	line   int
	why    string
	param  bool // an argument of a call, given to a parameter
}

type identInfo struct {
	b   *binding // nil for a global
	tok int      // index into tokens, -1 when unknown
}

// walker visits the AST once, in source order, resolving names to locals
// or globals and collecting what the checks look at.
type walker struct {
	src      *source
	scopes   []map[string]*binding
	bindings []*binding
	ident    map[*ast.IdentExpr]identInfo
	params   map[*ast.FunctionExpr][]*binding

	redisCalls      []*ast.FuncCallExpr // redis.call and redis.pcall
	localCalls      []*ast.FuncCallExpr // calls of a local variable
	indexes         []*ast.AttrGetExpr  // name[expr]: KEYS[i] and its aliases
	globalWrites    []globalWrite
	globalReads     []*ast.IdentExpr    // reads of names Redis does not define
	fieldCalls      []*ast.FuncCallExpr // calls of library fields Redis does not define
	assignedGlobals map[string]bool
}

// globalWrite is an assignment Redis refuses: to a global, or into one of
// its read-only library tables.
type globalWrite struct {
	name  string // the global, or "redis.x" for a field
	tok   int
	line  int
	field bool // a field of a library table
	fn    bool // function name() ... end
}

func walk(src *source, stmts []ast.Stmt) *walker {
	w := &walker{
		src:             src,
		ident:           map[*ast.IdentExpr]identInfo{},
		params:          map[*ast.FunctionExpr][]*binding{},
		assignedGlobals: map[string]bool{},
	}
	w.block(stmts)
	w.bindParams()
	w.resolveValues()
	return w
}

func (w *walker) push() { w.scopes = append(w.scopes, map[string]*binding{}) }
func (w *walker) pop()  { w.scopes = w.scopes[:len(w.scopes)-1] }

func (w *walker) declare(name string, values ...value) *binding {
	b := &binding{}
	for _, v := range values {
		b.add(v)
	}
	if len(w.scopes) == 0 {
		w.push()
	}
	w.scopes[len(w.scopes)-1][name] = b
	w.bindings = append(w.bindings, b)
	return b
}

func (b *binding) add(v value) {
	if _, isNil := v.expr.(*ast.NilExpr); isNil {
		return
	}
	b.values = append(b.values, v)
}

func (w *walker) resolve(name string) *binding {
	for i := len(w.scopes) - 1; i >= 0; i-- {
		if b := w.scopes[i][name]; b != nil {
			return b
		}
	}
	return nil
}

func (w *walker) block(stmts []ast.Stmt) {
	w.push()
	w.stmts(stmts)
	w.pop()
}

func (w *walker) stmts(stmts []ast.Stmt) {
	for _, s := range stmts {
		w.stmt(s)
	}
}

func (w *walker) stmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.AssignStmt:
		for _, lhs := range s.Lhs {
			w.target(lhs, false)
		}
		w.exprs(s.Rhs)
		for i, lhs := range s.Lhs {
			v, ok := nthValue(s.Rhs, i, lhs.Line())
			if !ok {
				continue
			}
			switch lhs := lhs.(type) {
			case *ast.IdentExpr:
				if b := w.ident[lhs].b; b != nil {
					b.add(v)
				}
			case *ast.AttrGetExpr:
				if b := w.localTable(lhs.Object); b != nil {
					b.elems = append(b.elems, v)
				}
			}
		}
	case *ast.LocalAssignStmt:
		if fn, ok := localFunction(s); ok {
			// local function f: f is in scope in its own body.
			w.src.nameAt(s.Names[0], s.Line(), false)
			b := w.declare(s.Names[0], value{expr: fn, line: s.Line()})
			w.function(fn, false)
			b.fn = fn
			return
		}
		for _, n := range s.Names {
			w.src.nameAt(n, s.Line(), false)
		}
		w.exprs(s.Exprs)
		for i, n := range s.Names {
			var vals []value
			if v, ok := nthValue(s.Exprs, i, s.Line()); ok {
				vals = append(vals, v)
			}
			b := w.declare(n, vals...)
			if fn, ok := singleFunction(s, i); ok {
				b.fn = fn
			}
		}
	case *ast.FuncCallStmt:
		w.expr(s.Expr)
	case *ast.DoBlockStmt:
		w.block(s.Stmts)
	case *ast.WhileStmt:
		w.expr(s.Condition)
		w.block(s.Stmts)
	case *ast.RepeatStmt:
		// The condition sees the body's locals.
		w.push()
		w.stmts(s.Stmts)
		w.expr(s.Condition)
		w.pop()
	case *ast.IfStmt:
		w.expr(s.Condition)
		w.block(s.Then)
		w.block(s.Else)
	case *ast.NumberForStmt:
		w.src.nameAt(s.Name, s.Line(), false)
		w.expr(s.Init)
		w.expr(s.Limit)
		w.expr(s.Step)
		w.push()
		w.declare(s.Name, value{line: s.Line(), why: "a for loop counter"})
		w.block(s.Stmts)
		w.pop()
	case *ast.GenericForStmt:
		for _, n := range s.Names {
			w.src.nameAt(n, s.Line(), false)
		}
		w.exprs(s.Exprs)
		w.push()
		var table ast.Expr
		if len(s.Exprs) == 1 {
			if call, ok := s.Exprs[0].(*ast.FuncCallExpr); ok && len(call.Args) == 1 && (w.isGlobalCall(call, "ipairs") || w.isGlobalCall(call, "pairs")) {
				table = call.Args[0]
			}
		}
		for i, n := range s.Names {
			v := value{line: s.Line(), why: "a for loop variable"}
			if i == 1 && table != nil {
				v = value{elemOf: table, line: s.Line()}
			}
			w.declare(n, v)
		}
		w.block(s.Stmts)
		w.pop()
	case *ast.FuncDefStmt:
		if s.Name == nil || s.Func == nil {
			return
		}
		if s.Name.Func != nil {
			w.target(s.Name.Func, true)
			if id, ok := s.Name.Func.(*ast.IdentExpr); ok {
				if b := w.ident[id].b; b != nil {
					b.add(value{expr: s.Func, line: s.Line()})
				}
			}
			w.function(s.Func, false)
			return
		}
		w.fieldWrite(s.Name.Receiver, s.Name.Method, true)
		w.function(s.Func, true)
	case *ast.ReturnStmt:
		w.exprs(s.Exprs)
	}
}

// localFunction recognizes "local function f", whose name is in scope in
// its body, unlike "local f = function". gopher-lua gives both the same
// shape; only the former has a last line.
func localFunction(s *ast.LocalAssignStmt) (*ast.FunctionExpr, bool) {
	if len(s.Names) != 1 || len(s.Exprs) != 1 || s.LastLine() == 0 {
		return nil, false
	}
	fn, ok := s.Exprs[0].(*ast.FunctionExpr)
	return fn, ok
}

func singleFunction(s *ast.LocalAssignStmt, i int) (*ast.FunctionExpr, bool) {
	if i >= len(s.Exprs) {
		return nil, false
	}
	fn, ok := s.Exprs[i].(*ast.FunctionExpr)
	return fn, ok
}

// nthValue returns the value the i-th name gets from exprs, following Lua's
// rule that only the last expression may give several values.
func nthValue(exprs []ast.Expr, i, line int) (value, bool) {
	n := len(exprs)
	switch {
	case n == 0:
		return value{}, false
	case i < n-1:
		return value{expr: exprs[i], line: line}, true
	case i == n-1:
		return value{expr: exprs[i], line: line}, true
	case multiValued(exprs[n-1]):
		return value{expr: exprs[n-1], nth: i - (n - 1), line: line}, true
	}
	return value{}, false // nil
}

// multiValued reports whether e may stand for several values: a call or
// ... not wrapped in parentheses.
func multiValued(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.FuncCallExpr:
		return !e.AdjustRet
	case *ast.Comma3Expr:
		return !e.AdjustRet
	}
	return false
}

// target visits the left side of an assignment.
func (w *walker) target(e ast.Expr, fn bool) {
	switch e := e.(type) {
	case *ast.IdentExpr:
		tok := w.src.nameAt(e.Value, e.Line(), true)
		b := w.resolve(e.Value)
		w.ident[e] = identInfo{b: b, tok: tok}
		if b == nil {
			w.assignedGlobals[e.Value] = true
			w.globalWrites = append(w.globalWrites, globalWrite{name: e.Value, tok: tok, line: e.Line(), fn: fn})
		}
	case *ast.AttrGetExpr:
		field := ""
		if s, ok := e.Key.(*ast.StringExpr); ok {
			field = s.Value
		}
		w.fieldWrite(e.Object, field, fn)
		w.expr(e.Key)
	default:
		w.expr(e)
	}
}

// fieldWrite visits obj in obj.field = ..., reporting writes into Redis's
// library tables, which are read-only. KEYS and ARGV are writable.
func (w *walker) fieldWrite(obj ast.Expr, field string, fn bool) {
	w.expr(obj)
	id, ok := obj.(*ast.IdentExpr)
	if !ok || w.ident[id].b != nil || id.Value == "KEYS" || id.Value == "ARGV" {
		return
	}
	if _, lib := commands().libraries[id.Value]; !lib && id.Value != "_G" {
		return // not a Redis global: reported as undefined
	}
	name := id.Value
	if field != "" {
		name += "." + field
	}
	w.globalWrites = append(w.globalWrites, globalWrite{name: name, tok: w.ident[id].tok, line: id.Line(), field: true, fn: fn})
}

func (w *walker) function(f *ast.FunctionExpr, method bool) {
	w.push()
	if method {
		w.declare("self", value{line: f.Line(), why: "self"})
	}
	var params []*binding
	if f.ParList != nil {
		for _, n := range f.ParList.Names {
			w.src.nameAt(n, f.Line(), false)
			params = append(params, w.declare(n))
		}
	}
	w.params[f] = params
	w.block(f.Stmts)
	w.pop()
}

func (w *walker) exprs(list []ast.Expr) {
	for _, e := range list {
		w.expr(e)
	}
}

func (w *walker) expr(e ast.Expr) {
	switch e := e.(type) {
	case *ast.IdentExpr:
		w.read(e, false)
	case *ast.AttrGetExpr:
		w.expr(e.Object)
		w.expr(e.Key)
		if _, ok := e.Object.(*ast.IdentExpr); ok {
			w.indexes = append(w.indexes, e)
		}
	case *ast.FuncCallExpr:
		if id, ok := e.Func.(*ast.IdentExpr); ok {
			if b := w.read(id, true); b != nil {
				w.localCalls = append(w.localCalls, e)
			}
		} else {
			w.expr(e.Func)
		}
		w.expr(e.Receiver)
		if w.isRedisCall(e) {
			w.redisCalls = append(w.redisCalls, e)
		} else if w.isUnknownLibraryCall(e) {
			w.fieldCalls = append(w.fieldCalls, e)
		}
		w.exprs(e.Args)
		if lib, field, ok := w.libraryField(e); ok && lib.Value == "table" && field == "insert" && len(e.Args) >= 2 {
			if b := w.localTable(e.Args[0]); b != nil {
				b.elems = append(b.elems, value{expr: e.Args[len(e.Args)-1], line: e.Line()})
			}
		}
	case *ast.FunctionExpr:
		w.function(e, false)
	default:
		luaast.Operands(e, w.expr) // operators and table constructors; literals have none
	}
}

// read visits a name being read and returns its binding (nil for a
// global). A local function read other than to call it escapes: its
// parameters can then hold anything.
func (w *walker) read(e *ast.IdentExpr, callee bool) *binding {
	tok := w.src.nameAt(e.Value, e.Line(), true)
	b := w.resolve(e.Value)
	w.ident[e] = identInfo{b: b, tok: tok}
	switch {
	case b != nil && !callee:
		b.escapes = true
	case b == nil && !commands().globals[e.Value]:
		w.globalReads = append(w.globalReads, e)
	}
	return b
}

// localTable returns the local that e names, as the table of t[k] = v.
func (w *walker) localTable(e ast.Expr) *binding {
	if id, ok := e.(*ast.IdentExpr); ok {
		return w.ident[id].b
	}
	return nil
}

// isGlobal reports whether e is the global name.
func (w *walker) isGlobal(e ast.Expr, name string) bool {
	id, ok := e.(*ast.IdentExpr)
	return ok && id.Value == name && w.ident[id].b == nil
}

func (w *walker) isGlobalCall(call *ast.FuncCallExpr, name string) bool {
	return call.Receiver == nil && w.isGlobal(call.Func, name)
}

// libraryField returns lib and field for a call of lib.field(...), where
// lib is a global.
func (w *walker) libraryField(call *ast.FuncCallExpr) (lib *ast.IdentExpr, field string, ok bool) {
	get, ok := call.Func.(*ast.AttrGetExpr)
	if !ok || call.Receiver != nil {
		return nil, "", false
	}
	id, ok := get.Object.(*ast.IdentExpr)
	key, isStr := get.Key.(*ast.StringExpr)
	if !ok || !isStr || w.ident[id].b != nil {
		return nil, "", false
	}
	return id, key.Value, true
}

func (w *walker) isRedisCall(call *ast.FuncCallExpr) bool {
	lib, field, ok := w.libraryField(call)
	return ok && lib.Value == "redis" && (field == "call" || field == "pcall")
}

func (w *walker) isUnknownLibraryCall(call *ast.FuncCallExpr) bool {
	lib, field, ok := w.libraryField(call)
	if !ok {
		return false
	}
	_, isLib := commands().libraries[lib.Value]
	return isLib && !commands().globals[lib.Value+"."+field]
}

// bindParams gives the parameters of each local function called only
// directly the arguments of its calls; every other parameter holds a value
// vet does not follow.
func (w *walker) bindParams() {
	followed := map[*ast.FunctionExpr]bool{}
	for _, b := range w.bindings {
		if b.fn != nil && !b.escapes && len(b.values) == 1 {
			followed[b.fn] = true
		}
	}
	for _, call := range w.localCalls {
		b := w.ident[call.Func.(*ast.IdentExpr)].b
		if b == nil || b.fn == nil || !followed[b.fn] {
			continue
		}
		for i, p := range w.params[b.fn] {
			if v, ok := nthValue(call.Args, i, call.Line()); ok {
				v.param = true
				p.add(v)
			}
		}
	}
	for fn, params := range w.params {
		if followed[fn] {
			continue
		}
		for _, p := range params {
			p.add(value{line: fn.Line(), why: "a parameter of a function vet does not follow (only local functions that are only called by name are)"})
		}
	}
}

// resolveValues decides which locals always hold a key from KEYS and which
// always hold the KEYS table, starting from "all of them" and dropping
// those with a value that is not, until nothing changes; loops such as
// k = k therefore keep their key.
func (w *walker) resolveValues() {
	for _, b := range w.bindings {
		set := len(b.values) > 0
		b.isKey, b.isKeys, b.isKeyList = set, set, set
	}
	for changed := true; changed; {
		changed = false
		for _, b := range w.bindings {
			key, keys, list := b.isKey, b.isKeys, b.isKeyList
			for _, v := range b.values {
				whole := v.elemOf == nil && v.nth == 0 && v.expr != nil
				key = key && w.valueIsKey(v)
				keys = keys && whole && w.isKeysTable(v.expr)
				list = list && whole && w.isKeyList(v.expr)
			}
			for _, v := range b.elems {
				list = list && w.valueIsKey(v)
			}
			if key != b.isKey || keys != b.isKeys || list != b.isKeyList {
				b.isKey, b.isKeys, b.isKeyList, changed = key, keys, list, true
			}
		}
	}
}

func (w *walker) valueIsKey(v value) bool {
	if v.elemOf != nil {
		return w.isKeyList(v.elemOf)
	}
	return v.expr != nil && w.isKey(v.expr, v.nth)
}

// isKey reports whether the nth value of e is always an element of KEYS.
func (w *walker) isKey(e ast.Expr, nth int) bool {
	if call, ok := e.(*ast.FuncCallExpr); ok && len(call.Args) > 0 {
		switch {
		case w.isGlobalCall(call, "unpack"):
			return w.isKeyList(call.Args[0])
		case w.isGlobalCall(call, "tostring") && nth == 0:
			return w.isKey(call.Args[0], 0)
		}
	}
	if nth > 0 {
		return false
	}
	switch e := e.(type) {
	case *ast.AttrGetExpr:
		return w.isKeyList(e.Object)
	case *ast.IdentExpr:
		b := w.ident[e].b
		return b != nil && b.isKey
	case *ast.LogicalOpExpr:
		if e.Operator == "and" {
			return w.isKey(e.Rhs, 0) // a falsy left side is no key at all
		}
		return w.isKey(e.Lhs, 0) && w.isKey(e.Rhs, 0)
	}
	return false
}

// isKeyList reports whether e is a table whose every element is a key
// from KEYS.
func (w *walker) isKeyList(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.IdentExpr:
		if b := w.ident[e].b; b != nil {
			return b.isKeyList
		}
		return e.Value == "KEYS"
	case *ast.TableExpr:
		for _, f := range e.Fields {
			if f != nil && !w.isKey(f.Value, 0) {
				return false
			}
		}
		return true
	}
	return false
}

// isKeysTable reports whether e is always the KEYS table.
func (w *walker) isKeysTable(e ast.Expr) bool {
	id, ok := e.(*ast.IdentExpr)
	if !ok {
		return false
	}
	if b := w.ident[id].b; b != nil {
		return b.isKeys
	}
	return id.Value == "KEYS"
}

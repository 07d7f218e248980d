package luasrc

import (
	"github.com/yuin/gopher-lua/ast"
)

// Program is what one walk of a script's tree found: every name resolved
// to a local or a global, with the token it was written as, and the calls,
// indexes and global reads and writes the checks look at. The walk follows
// Lua's scopes, so a local named KEYS is not the global KEYS.
type Program struct {
	Bindings []*Binding
	Idents   map[*ast.IdentExpr]Ident
	// Params are each function's parameters, in order.
	Params map[*ast.FunctionExpr][]*Binding
	// Calls are all function and method calls, in source order.
	Calls []*ast.FuncCallExpr
	// Enclosing is the innermost function whose body holds a call; calls
	// at the top level are not in it.
	Enclosing map[*ast.FuncCallExpr]*ast.FunctionExpr
	// CallSites are the calls of each local function that is only ever
	// called by name (whose parameters hold the arguments of those calls).
	CallSites map[*ast.FunctionExpr][]*ast.FuncCallExpr
	// Indexes are name[key] and name.key, name a variable, in source order.
	Indexes      []Index
	GlobalReads  []*ast.IdentExpr
	GlobalWrites []GlobalWrite
}

// Binding is one local variable: declared by local, local function, a
// function parameter or a for loop.
type Binding struct {
	Values []Value // everything assigned to it, nil values left out
	// Fn is the local function the variable holds, if any; when the
	// function is only ever called by name (Escapes false, one value), its
	// parameters hold the arguments of those calls.
	Fn      *ast.FunctionExpr
	Escapes bool // read other than to call it
	// Elems are the values stored into the table it holds: t[i] = v,
	// t.f = v, table.insert(t, v).
	Elems []Value
	// Loop is the numeric for loop whose counter it is.
	Loop *ast.NumberForStmt
}

// Value is one thing assigned to a binding.
type Value struct {
	Expr ast.Expr // nil: something the walk does not follow, explained by Why
	Nth  int      // which value of a multi-valued Expr: local a, b = unpack(KEYS)
	// ElemOf is set for the value variable of "for _, v in ipairs(t)": an
	// element of t.
	ElemOf ast.Expr
	Line   int
	Why    string
	Param  bool // an argument of a call, given to a parameter
	// Field is, for an element (Binding.Elems), the index it was stored
	// at: k in t[k] = v, "f" in t.f = v; nil when table.insert appended it.
	Field ast.Expr
}

// Ident is what one name in the tree refers to.
type Ident struct {
	Binding *Binding // nil for a global
	Tok     int      // index into File.Tokens, -1 when unknown
}

// Index is name[key] or name.key where name is a variable.
type Index struct {
	Expr  *ast.AttrGetExpr // Expr.Object is an *ast.IdentExpr
	Write bool             // assigned to, not read
}

// GlobalWrite is an assignment to a global, or into a field of a table
// held by a global (redis.x = 1, function redis.f() end).
type GlobalWrite struct {
	Global string
	Field  string // the field written, when IsField and it is a literal name
	// IsField is set for a write into the global's table.
	IsField bool
	Tok     int // the global's token, -1 when unknown
	Line    int
	Fn      bool // function name() ... end
}

// Program walks the tree once, on first use, and returns what it found;
// nil when the body does not parse.
func (f *File) Program() *Program {
	if f.program == nil && f.Stmts != nil {
		w := &walker{
			file:  f,
			names: variableNames(f.Tokens),
			p: &Program{
				Idents:    make(map[*ast.IdentExpr]Ident, len(f.Tokens)/4),
				Params:    map[*ast.FunctionExpr][]*Binding{},
				Enclosing: map[*ast.FuncCallExpr]*ast.FunctionExpr{},
				CallSites: map[*ast.FunctionExpr][]*ast.FuncCallExpr{},
			},
		}
		w.block(f.Stmts)
		w.bindParams()
		f.program = w.p
	}
	return f.program
}

// walker visits the tree in source order, resolving names through a stack
// of scopes and matching each name to its token.
type walker struct {
	file       *File
	p          *Program
	scopes     []map[string]*Binding
	localCalls []*ast.FuncCallExpr // calls of a local variable
	funcs      []*ast.FunctionExpr // the functions being walked, innermost last
	// names are the indexes into file.Tokens of every name that is a
	// variable, in source order; the walk meets them in the same order.
	names  []int
	cursor int // into names: the next one the walk has not met
}

func (w *walker) push() { w.scopes = append(w.scopes, map[string]*Binding{}) }
func (w *walker) pop()  { w.scopes = w.scopes[:len(w.scopes)-1] }

func (w *walker) declare(name string, values ...Value) *Binding {
	b := &Binding{}
	for _, v := range values {
		b.add(v)
	}
	if len(w.scopes) == 0 {
		w.push()
	}
	w.scopes[len(w.scopes)-1][name] = b
	w.p.Bindings = append(w.p.Bindings, b)
	return b
}

func (b *Binding) add(v Value) {
	if _, isNil := v.Expr.(*ast.NilExpr); isNil {
		return
	}
	b.Values = append(b.Values, v)
}

func (w *walker) resolve(name string) *Binding {
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
				if b := w.p.Idents[lhs].Binding; b != nil {
					b.add(v)
				}
			case *ast.AttrGetExpr:
				if b := w.p.local(lhs.Object); b != nil {
					v.Field = lhs.Key
					b.Elems = append(b.Elems, v)
				}
			}
		}
	case *ast.LocalAssignStmt:
		if fn, ok := localFunction(s); ok {
			// local function f: f is in scope in its own body.
			w.nameAt(s.Names[0], s.Line(), false)
			b := w.declare(s.Names[0], Value{Expr: fn, Line: s.Line()})
			w.function(fn, false)
			b.Fn = fn
			return
		}
		for _, n := range s.Names {
			w.nameAt(n, s.Line(), false)
		}
		w.exprs(s.Exprs)
		for i, n := range s.Names {
			var vals []Value
			if v, ok := nthValue(s.Exprs, i, s.Line()); ok {
				vals = append(vals, v)
			}
			b := w.declare(n, vals...)
			if i < len(s.Exprs) {
				if fn, ok := s.Exprs[i].(*ast.FunctionExpr); ok {
					b.Fn = fn
				}
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
		w.nameAt(s.Name, s.Line(), false)
		w.expr(s.Init)
		w.expr(s.Limit)
		w.expr(s.Step)
		w.push()
		w.declare(s.Name, Value{Line: s.Line(), Why: "a for loop counter"}).Loop = s
		w.block(s.Stmts)
		w.pop()
	case *ast.GenericForStmt:
		for _, n := range s.Names {
			w.nameAt(n, s.Line(), false)
		}
		w.exprs(s.Exprs)
		w.push()
		var table ast.Expr
		if len(s.Exprs) == 1 {
			if call, ok := s.Exprs[0].(*ast.FuncCallExpr); ok && len(call.Args) == 1 && (w.p.IsGlobalCall(call, "ipairs") || w.p.IsGlobalCall(call, "pairs")) {
				table = call.Args[0]
			}
		}
		for i, n := range s.Names {
			v := Value{Line: s.Line(), Why: "a for loop variable"}
			if i == 1 && table != nil {
				v = Value{ElemOf: table, Line: s.Line()}
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
				if b := w.p.Idents[id].Binding; b != nil {
					b.add(Value{Expr: s.Func, Line: s.Line()})
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

// nthValue returns the value the i-th name gets from exprs, following Lua's
// rule that only the last expression may give several values; false when
// it gets nil.
func nthValue(exprs []ast.Expr, i, line int) (Value, bool) {
	n := len(exprs)
	switch {
	case n == 0:
		return Value{}, false
	case i < n:
		return Value{Expr: exprs[i], Line: line}, true
	case MultiValued(exprs[n-1]):
		return Value{Expr: exprs[n-1], Nth: i - (n - 1), Line: line}, true
	}
	return Value{}, false
}

// MultiValued reports whether e may stand for several values: a call or
// ... not wrapped in parentheses.
func MultiValued(e ast.Expr) bool {
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
		tok := w.nameAt(e.Value, e.Line(), true)
		b := w.resolve(e.Value)
		w.p.Idents[e] = Ident{Binding: b, Tok: tok}
		if b == nil {
			w.p.GlobalWrites = append(w.p.GlobalWrites, GlobalWrite{Global: e.Value, Tok: tok, Line: e.Line(), Fn: fn})
		}
	case *ast.AttrGetExpr:
		field := ""
		if s, ok := e.Key.(*ast.StringExpr); ok {
			field = s.Value
		}
		w.fieldWrite(e.Object, field, fn)
		w.expr(e.Key)
		if _, ok := e.Object.(*ast.IdentExpr); ok {
			w.p.Indexes = append(w.p.Indexes, Index{Expr: e, Write: true})
		}
	default:
		w.expr(e)
	}
}

// fieldWrite visits obj in obj.field = ..., recording writes into tables
// held by globals.
func (w *walker) fieldWrite(obj ast.Expr, field string, fn bool) {
	w.expr(obj)
	id, ok := obj.(*ast.IdentExpr)
	if !ok || w.p.Idents[id].Binding != nil {
		return
	}
	w.p.GlobalWrites = append(w.p.GlobalWrites, GlobalWrite{Global: id.Value, Field: field, IsField: true, Tok: w.p.Idents[id].Tok, Line: id.Line(), Fn: fn})
}

func (w *walker) function(f *ast.FunctionExpr, method bool) {
	w.push()
	if method {
		w.declare("self", Value{Line: f.Line(), Why: "self"})
	}
	var params []*Binding
	if f.ParList != nil {
		for _, n := range f.ParList.Names {
			w.nameAt(n, f.Line(), false)
			params = append(params, w.declare(n))
		}
	}
	w.p.Params[f] = params
	w.funcs = append(w.funcs, f)
	w.block(f.Stmts)
	w.funcs = w.funcs[:len(w.funcs)-1]
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
			w.p.Indexes = append(w.p.Indexes, Index{Expr: e})
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
		w.p.Calls = append(w.p.Calls, e)
		if n := len(w.funcs); n > 0 {
			w.p.Enclosing[e] = w.funcs[n-1]
		}
		w.exprs(e.Args)
		if lib, field, ok := w.p.GlobalField(e); ok && lib.Value == "table" && field == "insert" && len(e.Args) >= 2 {
			if b := w.p.local(e.Args[0]); b != nil {
				b.Elems = append(b.Elems, Value{Expr: e.Args[len(e.Args)-1], Line: e.Line()})
			}
		}
	case *ast.FunctionExpr:
		w.function(e, false)
	default:
		operands(e, w.expr) // operators and table constructors; literals have none
	}
}

// read visits a name being read and returns its binding (nil for a
// global). A local function read other than to call it escapes: its
// parameters can then hold anything.
func (w *walker) read(e *ast.IdentExpr, callee bool) *Binding {
	tok := w.nameAt(e.Value, e.Line(), true)
	b := w.resolve(e.Value)
	w.p.Idents[e] = Ident{Binding: b, Tok: tok}
	switch {
	case b != nil && !callee:
		b.Escapes = true
	case b == nil:
		w.p.GlobalReads = append(w.p.GlobalReads, e)
	}
	return b
}

// bindParams gives the parameters of each local function called only
// directly the arguments of its calls; every other parameter holds a value
// the walk does not follow.
func (w *walker) bindParams() {
	followed := map[*ast.FunctionExpr]bool{}
	for _, b := range w.p.Bindings {
		if b.Fn != nil && !b.Escapes && len(b.Values) == 1 {
			followed[b.Fn] = true
		}
	}
	for _, call := range w.localCalls {
		b := w.p.Idents[call.Func.(*ast.IdentExpr)].Binding
		if b == nil || b.Fn == nil || !followed[b.Fn] {
			continue
		}
		w.p.CallSites[b.Fn] = append(w.p.CallSites[b.Fn], call)
		for i, p := range w.p.Params[b.Fn] {
			if v, ok := nthValue(call.Args, i, call.Line()); ok {
				v.Param = true
				p.add(v)
			}
		}
	}
	for fn, params := range w.p.Params {
		if followed[fn] {
			continue
		}
		for _, p := range params {
			p.add(Value{Line: fn.Line(), Why: "a parameter of a function vet does not follow (only local functions that are only called by name are)"})
		}
	}
}

// local returns the local that e names, or nil.
func (p *Program) local(e ast.Expr) *Binding {
	if id, ok := e.(*ast.IdentExpr); ok {
		return p.Idents[id].Binding
	}
	return nil
}

// IsGlobal reports whether e is the global name.
func (p *Program) IsGlobal(e ast.Expr, name string) bool {
	id, ok := e.(*ast.IdentExpr)
	return ok && id.Value == name && p.Idents[id].Binding == nil
}

// IsGlobalCall reports whether call calls the global function name.
func (p *Program) IsGlobalCall(call *ast.FuncCallExpr, name string) bool {
	return call.Receiver == nil && p.IsGlobal(call.Func, name)
}

// GlobalField returns lib and field for a call of lib.field(...), where
// lib is a global.
func (p *Program) GlobalField(call *ast.FuncCallExpr) (lib *ast.IdentExpr, field string, ok bool) {
	get, ok := call.Func.(*ast.AttrGetExpr)
	if !ok || call.Receiver != nil {
		return nil, "", false
	}
	id, ok := get.Object.(*ast.IdentExpr)
	key, isStr := get.Key.(*ast.StringExpr)
	if !ok || !isStr || p.Idents[id].Binding != nil {
		return nil, "", false
	}
	return id, key.Value, true
}

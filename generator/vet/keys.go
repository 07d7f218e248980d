package vet

import (
	"strconv"
	"strings"

	"github.com/yuin/gopher-lua/ast"

	"github.com/luagen/luagen/generator/luasrc"
	"github.com/luagen/luagen/generator/model"
)

// kind is what vet knows a value always is, as a set of bits.
type kind uint8

const (
	// keyKind is a key whose slot the call proves: an element of KEYS,
	// or a string that starts with a key prefix.
	keyKind kind = 1 << iota
	// prefixedKind is a string that starts with a declared key prefix
	// (the prefix itself included): what is built by appending to it is a
	// key too, since the prefix's complete hash tag decides its slot.
	prefixedKind

	anyKind = keyKind | prefixedKind
)

// maxDepth bounds how deep vet follows one value through tables and
// expressions, and maxSteps how many steps one question about a value may
// take (tables filled from themselves could otherwise take exponential
// time); beyond either, the value is "not known to be a key".
const (
	maxDepth = 24
	maxSteps = 20000
)

// keys follows keys through a script's locals and tables: which values
// are always keys from KEYS or built from a key prefix, and which locals
// always hold the KEYS table.
type keys struct {
	p          *luasrc.Program
	keys, args []model.Param
	val        map[*luasrc.Binding]kind
	keysTable  map[*luasrc.Binding]bool
	depth      int // of the question being answered
	steps      int // taken by the question being answered
}

// enter starts a step of a question about a value, and reports whether
// it may be taken; leave ends it.
func (k *keys) enter() bool {
	if k.depth == 0 {
		k.steps = 0
	}
	k.depth++
	k.steps++
	return k.depth <= maxDepth && k.steps <= maxSteps
}

func (k *keys) leave() { k.depth-- }

// followKeys decides what each local always holds, starting from "keys
// of every kind, and the KEYS table" and dropping what a value it is
// given is not, until nothing changes; loops such as k = k therefore keep
// their key.
func followKeys(p *luasrc.Program, s *model.Script) *keys {
	k := &keys{p: p, keys: s.Keys, args: s.Args,
		val:       make(map[*luasrc.Binding]kind, len(p.Bindings)),
		keysTable: make(map[*luasrc.Binding]bool, len(p.Bindings)),
	}
	for _, b := range p.Bindings {
		if len(b.Values) > 0 {
			k.val[b], k.keysTable[b] = anyKind, true
		}
	}
	for changed := true; changed; {
		changed = false
		for _, b := range p.Bindings {
			val, table := k.val[b], k.keysTable[b]
			for _, v := range b.Values {
				val &= k.valueKind(v)
				table = table && v.ElemOf == nil && v.Nth == 0 && v.Expr != nil && k.isKeysTable(v.Expr)
			}
			if val != k.val[b] || table != k.keysTable[b] {
				k.val[b], k.keysTable[b], changed = val, table, true
			}
		}
	}
	return k
}

// valueKind is what a value given to a local is.
func (k *keys) valueKind(v luasrc.Value) kind {
	switch {
	case v.ElemOf != nil:
		return k.elems(v.ElemOf, nil)
	case v.Expr == nil:
		return 0
	}
	return k.value(v.Expr, v.Nth)
}

// isKey reports whether the nth value of e is always a key the call's
// slot covers.
func (k *keys) isKey(e ast.Expr, nth int) bool { return k.value(e, nth)&keyKind != 0 }

// value is what the nth value of e always is.
func (k *keys) value(e ast.Expr, nth int) kind {
	defer k.leave()
	if !k.enter() {
		return 0
	}
	if call, ok := e.(*ast.FuncCallExpr); ok {
		switch {
		case k.p.IsGlobalCall(call, "unpack") && len(call.Args) > 0:
			return k.elems(call.Args[0], nil)
		case nth > 0:
			return 0
		case k.p.IsGlobalCall(call, "tostring") && len(call.Args) > 0:
			return k.value(call.Args[0], 0)
		}
		if format, first, ok := k.formatCall(call); ok && strings.HasPrefix(format, "%s") && k.value(first, 0)&prefixedKind != 0 {
			return anyKind
		}
		return 0
	}
	if nth > 0 {
		return 0
	}
	switch e := e.(type) {
	case *ast.AttrGetExpr:
		switch {
		case k.isKeysTable(e.Object):
			return paramKind(k.keys, e.Key, keyKind)
		case k.isArgvTable(e.Object):
			return paramKind(k.args, e.Key, 0)
		}
		return k.elems(e.Object, e.Key)
	case *ast.IdentExpr:
		if b := k.p.Idents[e].Binding; b != nil {
			return k.val[b]
		}
	case *ast.LogicalOpExpr:
		if e.Operator == "and" {
			return k.value(e.Rhs, 0) // a falsy left side is no key at all
		}
		return k.value(e.Lhs, 0) & k.value(e.Rhs, 0)
	case *ast.StringConcatOpExpr:
		if k.value(leftmost(e), 0)&prefixedKind != 0 {
			return anyKind
		}
	}
	return 0
}

// paramKind is what KEYS[index] or ARGV[index] is: with a literal index of
// a param declared prefix: true, a key prefix; otherwise base.
func paramKind(params []model.Param, index ast.Expr, base kind) kind {
	if n, ok := index.(*ast.NumberExpr); ok {
		if i, err := strconv.Atoi(n.Value); err == nil && i >= 1 && i <= len(params) && params[i-1].Prefix {
			return anyKind
		}
	}
	return base
}

// leftmost returns the first operand of a chain of .. (which Lua parses
// right to left).
func leftmost(e *ast.StringConcatOpExpr) ast.Expr {
	l := e.Lhs
	for {
		c, ok := l.(*ast.StringConcatOpExpr)
		if !ok {
			return l
		}
		l = c.Lhs
	}
}

// formatCall recognizes string.format(format, first, ...) and
// (format):format(first, ...) with a literal format string.
func (k *keys) formatCall(call *ast.FuncCallExpr) (format string, first ast.Expr, ok bool) {
	args := call.Args
	if s, isStr := call.Receiver.(*ast.StringExpr); isStr && call.Method == "format" {
		args = append([]ast.Expr{s}, args...)
	} else if lib, field, isLib := k.p.GlobalField(call); !isLib || lib.Value != "string" || field != "format" {
		return "", nil, false
	}
	if len(args) < 2 {
		return "", nil, false
	}
	s, isStr := args[0].(*ast.StringExpr)
	if !isStr {
		return "", nil, false
	}
	return s.Value, args[1], true
}

// elems is what every element of the table e that index may name (nil:
// any element) always is.
func (k *keys) elems(e ast.Expr, index ast.Expr) kind {
	switch {
	case k.isKeysTable(e):
		return paramKind(k.keys, index, keyKind)
	case k.isArgvTable(e):
		return paramKind(k.args, index, 0)
	}
	out := anyKind
	known := k.elements(e, index, func(v luasrc.Value) bool {
		out &= k.valueKind(v)
		return out != 0
	})
	if !known {
		return 0
	}
	return out
}

// elements calls yield with every value that may be stored in the table e
// under index (nil: any index): the fields of its constructors and what
// was stored into it later. It returns false when some element is not
// known (a table vet did not see built, or yield stopped).
func (k *keys) elements(e ast.Expr, index ast.Expr, yield func(luasrc.Value) bool) bool {
	defer k.leave()
	if !k.enter() {
		return false
	}
	switch e := e.(type) {
	case *ast.TableExpr:
		pos := 0
		for i, f := range e.Fields {
			if f == nil {
				continue
			}
			key := f.Key
			if key == nil {
				pos++
				if i == len(e.Fields)-1 && luasrc.MultiValued(f.Value) {
					key = nil // the rest of the list: any index from pos on
				} else {
					key = &ast.NumberExpr{Value: strconv.Itoa(pos)}
				}
				if !mayBeAt(key, index, true) {
					continue
				}
			} else if !mayBeAt(key, index, false) {
				continue
			}
			if !yield(luasrc.Value{Expr: f.Value, Line: f.Value.Line()}) {
				return false
			}
		}
		return true
	case *ast.IdentExpr:
		b := k.p.Idents[e].Binding
		if b == nil || len(b.Values) == 0 {
			return false // a global, or a local never set
		}
		for _, v := range b.Values {
			if v.ElemOf != nil || v.Nth > 0 || v.Expr == nil || !k.elements(v.Expr, index, yield) {
				return false
			}
		}
		for _, v := range b.Elems {
			if mayBeAt(v.Field, index, v.Field == nil) && !yield(v) {
				return false
			}
		}
		return true
	case *ast.AttrGetExpr:
		// A table held in a field of another table: t.keys.wait.
		return k.elements(e.Object, e.Key, func(v luasrc.Value) bool {
			return v.ElemOf == nil && v.Nth == 0 && v.Expr != nil && k.elements(v.Expr, index, yield)
		})
	}
	return false
}

// mayBeAt reports whether a value stored under key (nil with appended:
// put at the end of the list, by table.insert or a list constructor) may
// be what index (nil: any) reads.
func mayBeAt(key, index ast.Expr, appended bool) bool {
	iv, iLit := literalKey(index)
	if index == nil || !iLit {
		return true
	}
	if key == nil {
		return appended && strings.HasPrefix(iv, "n:")
	}
	kv, kLit := literalKey(key)
	return !kLit || kv == iv
}

// literalKey returns a literal table index as a comparable string: "s:x"
// for the string x, "n:2" for the number 2 (t["2"] and t[2] differ).
func literalKey(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.StringExpr:
		return "s:" + e.Value, true
	case *ast.NumberExpr:
		if f, ok := luasrc.Numeral(e.Value); ok {
			return "n:" + strconv.FormatFloat(f, 'g', -1, 64), true
		}
	}
	return "", false
}

// isKeysTable reports whether e is always the KEYS table.
func (k *keys) isKeysTable(e ast.Expr) bool {
	id, ok := e.(*ast.IdentExpr)
	if !ok {
		return false
	}
	if b := k.p.Idents[id].Binding; b != nil {
		return k.keysTable[b]
	}
	return id.Value == "KEYS"
}

// isArgvTable reports whether e is the global ARGV or a local that always
// holds it (local argv = ARGV).
func (k *keys) isArgvTable(e ast.Expr) bool {
	id, ok := e.(*ast.IdentExpr)
	if !ok {
		return false
	}
	b := k.p.Idents[id].Binding
	if b == nil {
		return id.Value == "ARGV"
	}
	for _, v := range b.Values {
		if v.ElemOf != nil || v.Nth > 0 || !k.p.IsGlobal(v.Expr, "ARGV") {
			return false
		}
	}
	return len(b.Values) > 0
}

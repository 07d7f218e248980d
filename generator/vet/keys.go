package vet

import (
	"github.com/yuin/gopher-lua/ast"

	"github.com/luagen/luagen/generator/luasrc"
)

// keyFacts is what vet knows about one local: whether every value it
// holds is a key from KEYS, whether it always holds the KEYS table itself,
// and whether it holds tables whose every element is a key from KEYS
// (KEYS, {KEYS[1]}, a list filled from KEYS).
type keyFacts struct {
	isKey, isKeys, isKeyList bool
}

// keys follows keys through a script's locals.
type keys struct {
	p     *luasrc.Program
	facts map[*luasrc.Binding]*keyFacts
}

// followKeys decides which locals always hold a key from KEYS and which
// always hold the KEYS table, starting from "all of them" and dropping
// those with a value that is not, until nothing changes; loops such as
// k = k therefore keep their key.
func followKeys(p *luasrc.Program) *keys {
	k := &keys{p: p, facts: make(map[*luasrc.Binding]*keyFacts, len(p.Bindings))}
	for _, b := range p.Bindings {
		set := len(b.Values) > 0
		k.facts[b] = &keyFacts{set, set, set}
	}
	for changed := true; changed; {
		changed = false
		for _, b := range p.Bindings {
			f := k.facts[b]
			key, keys, list := f.isKey, f.isKeys, f.isKeyList
			for _, v := range b.Values {
				whole := v.ElemOf == nil && v.Nth == 0 && v.Expr != nil
				key = key && k.valueIsKey(v)
				keys = keys && whole && k.isKeysTable(v.Expr)
				list = list && whole && k.isKeyList(v.Expr)
			}
			for _, v := range b.Elems {
				list = list && k.valueIsKey(v)
			}
			if key != f.isKey || keys != f.isKeys || list != f.isKeyList {
				*f, changed = keyFacts{key, keys, list}, true
			}
		}
	}
	return k
}

func (k *keys) binding(id *ast.IdentExpr) *keyFacts {
	if b := k.p.Idents[id].Binding; b != nil {
		return k.facts[b]
	}
	return nil
}

func (k *keys) valueIsKey(v luasrc.Value) bool {
	if v.ElemOf != nil {
		return k.isKeyList(v.ElemOf)
	}
	return v.Expr != nil && k.isKey(v.Expr, v.Nth)
}

// isKey reports whether the nth value of e is always an element of KEYS.
func (k *keys) isKey(e ast.Expr, nth int) bool {
	if call, ok := e.(*ast.FuncCallExpr); ok && len(call.Args) > 0 {
		switch {
		case k.p.IsGlobalCall(call, "unpack"):
			return k.isKeyList(call.Args[0])
		case k.p.IsGlobalCall(call, "tostring") && nth == 0:
			return k.isKey(call.Args[0], 0)
		}
	}
	if nth > 0 {
		return false
	}
	switch e := e.(type) {
	case *ast.AttrGetExpr:
		return k.isKeyList(e.Object)
	case *ast.IdentExpr:
		f := k.binding(e)
		return f != nil && f.isKey
	case *ast.LogicalOpExpr:
		if e.Operator == "and" {
			return k.isKey(e.Rhs, 0) // a falsy left side is no key at all
		}
		return k.isKey(e.Lhs, 0) && k.isKey(e.Rhs, 0)
	}
	return false
}

// isKeyList reports whether e is a table whose every element is a key
// from KEYS.
func (k *keys) isKeyList(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.IdentExpr:
		if f := k.binding(e); f != nil {
			return f.isKeyList
		}
		return e.Value == "KEYS"
	case *ast.TableExpr:
		for _, f := range e.Fields {
			if f != nil && !k.isKey(f.Value, 0) {
				return false
			}
		}
		return true
	}
	return false
}

// isKeysTable reports whether e is always the KEYS table.
func (k *keys) isKeysTable(e ast.Expr) bool {
	id, ok := e.(*ast.IdentExpr)
	if !ok {
		return false
	}
	if f := k.binding(id); f != nil {
		return f.isKeys
	}
	return id.Value == "KEYS"
}

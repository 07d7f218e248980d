package vet

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/yuin/gopher-lua/ast"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/luasrc"
	"github.com/luagen/luagen/generator/model"
)

// vetter holds one script's analysis while the checks run.
type vetter struct {
	script   *model.Script
	f        *luasrc.File
	p        *luasrc.Program
	keys     *keys
	readOnly string // why the script is read-only ("readonly: true"), or ""
	// aliases holds what each local was found to be by redisFn:
	// "redis.call", "redis.pcall" or "".
	aliases  map[*luasrc.Binding]string
	dead     map[*ast.FunctionExpr]bool // see deadFuncs
	diags    diag.List
	reported map[string]bool // findings already made, for calls checked once per call site
}

// Script runs vet's checks on one script: s is the checked header (File,
// Keys, ReadOnly and Shebang are used) and f the prepared source. A body
// gopher-lua cannot parse gets no findings here; generator/check reports
// it. Findings are sorted.
func Script(s *model.Script, f *luasrc.File) diag.List {
	v := &vetter{script: s, f: f, aliases: map[*luasrc.Binding]string{}, reported: map[string]bool{}}
	flags := shebangFlags(s.Shebang)
	switch {
	case s.ReadOnly:
		v.readOnly = "readonly: true"
	case slices.Contains(flags, "no-writes"):
		v.readOnly = "#!lua flags=no-writes"
	}
	v.checkShebang(flags)
	if v.p = f.Program(); v.p != nil {
		v.keys = followKeys(v.p, s)
		v.checkCalls()
		v.checkGlobals()
		v.checkKeysIndexes()
	}
	v.diags.Sort()
	return v.diags
}

func (v *vetter) report(sev diag.Severity, check diag.Check, line, col int, format string, args ...any) {
	d := v.f.Errorf(line, col, check, format, args...)
	d.Severity = sev
	if key := d.String(); !v.reported[key] {
		v.reported[key] = true
		v.diags = append(v.diags, d)
	}
}

// checkGlobals reports assignments Redis refuses and names it does not
// define. A name the script assigns as a global is reported once, at the
// assignment, not at every read.
func (v *vetter) checkGlobals() {
	const readonly = "Attempt to modify a readonly table"
	t := commands()
	assigned := map[string]bool{}
	for _, g := range v.p.GlobalWrites {
		line, col := v.f.TokenPos(g.Tok, g.Line)
		switch {
		case !g.IsField:
			assigned[g.Global] = true
			if g.Fn {
				v.report(diag.Error, diag.GlobalWrite, line, col, "function %s is a global: Redis forbids creating globals (%q); write local function %s", g.Global, readonly, g.Global)
			} else {
				v.report(diag.Error, diag.GlobalWrite, line, col, "assignment to the global %s: Redis forbids creating or changing globals (%q); declare it with local", g.Global, readonly)
			}
		case g.Global == "KEYS" || g.Global == "ARGV":
			// Writable: they are the script's own tables.
		case t.libraries[g.Global] != nil || g.Global == "_G":
			name := g.Global
			if g.Field != "" {
				name += "." + g.Field
			}
			v.report(diag.Error, diag.GlobalWrite, line, col, "assignment to %s: Redis's library tables are read-only (%q); keep your own values in a local table", name, readonly)
		}
		// Other globals written into are reported as undefined where read.
	}
	for _, e := range v.p.GlobalReads {
		if t.globals[e.Value] || assigned[e.Value] {
			continue
		}
		line, col := v.f.TokenPos(v.p.Idents[e].Tok, e.Line())
		v.report(diag.Error, diag.UndefinedGlobal, line, col, "%s is not defined%s: Redis scripts have no global %s (%q); declare it with local",
			e.Value, diag.DidYouMean(diag.Suggest(e.Value, t.topLevel)), e.Value, "Script attempted to access nonexistent global variable")
	}
	for _, call := range v.p.Calls {
		lib, field, ok := v.p.GlobalField(call)
		if !ok || t.libraries[lib.Value] == nil || t.globals[lib.Value+"."+field] {
			continue
		}
		tok := v.p.Idents[lib].Tok
		line, col := v.f.TokenPos(tok, lib.Line())
		if tok >= 0 && tok+2 < len(v.f.Tokens) && v.f.Tokens[tok+1].Text == "." {
			line, col = v.f.Tokens[tok+2].Line, v.f.Tokens[tok+2].Col
		}
		hint := ""
		if h := diag.Suggest(field, t.libraries[lib.Value]); h != "" {
			hint = lib.Value + "." + h
		}
		v.report(diag.Error, diag.UndefinedGlobal, line, col, "%s.%s is not a function in Redis %s's Lua%s; calling it stops the script (%q)", lib.Value, field, t.shortVersion(), diag.DidYouMean(hint), "attempt to call field '"+field+"' (a nil value)")
	}
}

// checkKeysIndexes warns about KEYS[expr] (or an alias of KEYS) with a
// computed index when the header declares a fixed list of keys: which key
// is read is then invisible, and a wrong index reads nil.
func (v *vetter) checkKeysIndexes() {
	keys := v.script.Keys
	if len(keys) > 0 && keys[len(keys)-1].Variadic {
		return
	}
	declared := "declares no keys"
	if len(keys) > 0 {
		names := make([]string, len(keys))
		for i, k := range keys {
			names[i] = k.Name
		}
		declared = fmt.Sprintf("declares a fixed list of keys (%s); write KEYS[1]", strings.Join(names, ", "))
		if len(keys) > 1 {
			declared += fmt.Sprintf("..KEYS[%d]", len(keys))
		}
		declared += ", or make the last key variadic: true"
	}
	for _, x := range v.p.Indexes {
		e := x.Expr
		if x.Write || !v.keys.isKeysTable(e.Object) || isLiteralIndex(e.Key) {
			continue
		}
		id := e.Object.(*ast.IdentExpr)
		line, col := v.f.TokenPos(v.p.Idents[id].Tok, id.Line())
		if lo, hi, loop, ok := v.loopRange(e.Key); ok {
			// for i = 3, 6 do ... KEYS[i]: the literal indexes 3 to 6.
			if lo >= 1 && hi <= len(keys) || lo > hi {
				continue
			}
			v.report(diag.Error, diag.KeysIndex, line, col, "%s[...] reads KEYS[%d] to KEYS[%d] in the loop on line %d, but the header declares %s; declare the keys under keys:", id.Value, lo, hi, loop.Line(), declaredKeys(keys))
			continue
		}
		v.report(diag.Warning, diag.DynamicKeysIndex, line, col, "%s[...] with a computed index, but the header %s", id.Value, declared)
	}
}

// loopRange returns the lowest and highest value of an index that is the
// counter of a numeric for loop with literal bounds and step, never
// assigned in the loop, plus or minus a literal: for i = 7, 10 do ...
// KEYS[i] ... end. lo > hi when the loop never runs.
func (v *vetter) loopRange(e ast.Expr) (lo, hi int, loop *ast.NumberForStmt, ok bool) {
	offset := 0
	if a, isArith := e.(*ast.ArithmeticOpExpr); isArith && (a.Operator == "+" || a.Operator == "-") {
		n, isNum := intLiteral(a.Rhs)
		switch {
		case isNum && a.Operator == "-":
			e, offset = a.Lhs, -n
		case isNum:
			e, offset = a.Lhs, n
		case a.Operator == "+":
			if n, isNum = intLiteral(a.Lhs); isNum {
				e, offset = a.Rhs, n
			}
		}
	}
	id, isIdent := e.(*ast.IdentExpr)
	if !isIdent {
		return 0, 0, nil, false
	}
	b := v.p.Idents[id].Binding
	if b == nil || b.Loop == nil || len(b.Values) != 1 {
		return 0, 0, nil, false
	}
	from, ok1 := intLiteral(b.Loop.Init)
	to, ok2 := intLiteral(b.Loop.Limit)
	step, ok3 := 1, true
	if b.Loop.Step != nil {
		step, ok3 = intLiteral(b.Loop.Step)
	}
	if !ok1 || !ok2 || !ok3 || step == 0 {
		return 0, 0, nil, false
	}
	if step < 0 {
		from, to, step = to, from, -step
		// The values run from the init down to the first one >= limit.
		from = to - (to-from)/step*step
	}
	last := from + (to-from)/step*step
	if to < from {
		last = from - 1
	}
	return from + offset, last + offset, b.Loop, true
}

// intLiteral reads an integer written as a number, possibly negated.
func intLiteral(e ast.Expr) (int, bool) {
	switch e := e.(type) {
	case *ast.NumberExpr:
		f, ok := luasrc.Numeral(e.Value)
		if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<31 {
			return 0, false
		}
		return int(f), true
	case *ast.UnaryMinusOpExpr:
		n, ok := intLiteral(e.Expr)
		return -n, ok
	}
	return 0, false
}

// declaredKeys describes the header's keys: "2 keys (src, dst)".
func declaredKeys(keys []model.Param) string {
	if len(keys) == 0 {
		return "no keys"
	}
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.Name
	}
	return plural(len(keys), "key") + " (" + strings.Join(names, ", ") + ")"
}

// isLiteralIndex reports an index that is not computed: a number, or a
// string (t.field or t['x']), which generator/check judges.
func isLiteralIndex(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.NumberExpr, *ast.StringExpr:
		return true
	case *ast.UnaryMinusOpExpr:
		_, ok := e.Expr.(*ast.NumberExpr)
		return ok
	}
	return false
}

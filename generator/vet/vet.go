package vet

import (
	"fmt"
	"slices"
	"strings"

	"github.com/yuin/gopher-lua/ast"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/model"
	"github.com/luagen/luagen/generator/parse"
)

// Check names, stable for output and suppressions.
const (
	KeyNotFromKeys   = "key-not-from-KEYS"  // a command's key that is not an element of KEYS
	WriteInReadonly  = "write-in-readonly"  // a write command in a read-only script
	UnknownCommand   = "unknown-command"    // a command or subcommand Redis does not have
	CommandArity     = "command-arity"      // a literal command with the wrong number of arguments
	NoscriptCommand  = "noscript-command"   // a command Redis refuses in scripts (EVAL, MULTI, BLPOP ...)
	GlobalWrite      = "global-write"       // an assignment to a global or into a library table
	UndefinedGlobal  = "undefined-global"   // a global Redis does not define, or a library function it lacks
	DynamicKeysIndex = "dynamic-keys-index" // KEYS[expr] when the header's keys are fixed (warning)
	Shebang          = parse.CheckShebang   // the #!lua line: flags Redis or a cluster refuses
	IgnoreDirective  = "ignore"             // a luagen:ignore comment that is malformed or unused (warning)
)

// vetter holds one script's analysis while the checks run.
type vetter struct {
	script   *model.Script
	src      *source
	w        *walker
	readOnly string // why the script is read-only ("readonly: true"), or ""
	diags    diag.List
}

// Script runs vet's checks on one script: s is the parsed header (File,
// Keys, ReadOnly and Shebang are used) and src the file's bytes. A body
// gopher-lua cannot parse gets no findings here; generator/check reports
// it. Findings are sorted.
func Script(s *model.Script, src []byte) diag.List {
	v := &vetter{script: s, src: newSource(s.File, src)}
	flags := shebangFlags(s.Shebang)
	switch {
	case s.ReadOnly:
		v.readOnly = "readonly: true"
	case slices.Contains(flags, "no-writes"):
		v.readOnly = "#!lua flags=no-writes"
	}
	v.checkShebang(flags)
	if stmts := v.src.parse(src); stmts != nil {
		v.w = walk(v.src, stmts)
		v.checkCalls()
		v.checkGlobals()
		v.checkKeysIndexes()
	}
	v.diags.Sort()
	return v.diags
}

func (v *vetter) report(sev diag.Severity, check string, line, col int, format string, args ...any) {
	v.diags = append(v.diags, diag.Diagnostic{
		File: v.script.File, Line: line, Col: col, Severity: sev, Check: check,
		Msg: fmt.Sprintf(format, args...),
	})
}

// checkGlobals reports assignments Redis refuses and names it does not
// define. A name the script assigns as a global is reported once, at the
// assignment, not at every read.
func (v *vetter) checkGlobals() {
	const readonly = "Attempt to modify a readonly table"
	for _, g := range v.w.globalWrites {
		line, col := v.src.line(g.tok, g.line), v.src.col(g.tok)
		switch {
		case g.field:
			v.report(diag.Error, GlobalWrite, line, col, "assignment to %s: Redis's library tables are read-only (%q); keep your own values in a local table", g.name, readonly)
		case g.fn:
			v.report(diag.Error, GlobalWrite, line, col, "function %s is a global: Redis forbids creating globals (%q); write local function %s", g.name, readonly, g.name)
		default:
			v.report(diag.Error, GlobalWrite, line, col, "assignment to the global %s: Redis forbids creating or changing globals (%q); declare it with local", g.name, readonly)
		}
	}
	t := commands()
	for _, e := range v.w.globalReads {
		if v.w.assignedGlobals[e.Value] {
			continue
		}
		tok := v.w.ident[e].tok
		v.report(diag.Error, UndefinedGlobal, v.src.line(tok, e.Line()), v.src.col(tok), "%s is not defined%s: Redis scripts have no global %s (%q); declare it with local",
			e.Value, didYouMean(e.Value, t.topLevel), e.Value, "Script attempted to access nonexistent global variable")
	}
	for _, call := range v.w.fieldCalls {
		lib, field, _ := v.w.libraryField(call)
		tok := v.w.ident[lib].tok
		line, col := v.src.line(tok, lib.Line()), v.src.col(tok)
		if tok >= 0 && tok+2 < len(v.src.tokens) && v.src.tokens[tok+1].Text == "." {
			line, col = v.src.tokens[tok+2].Line, v.src.tokens[tok+2].Col
		}
		hint := ""
		if h := diag.Suggest(field, t.libraries[lib.Value]); h != "" {
			hint = fmt.Sprintf(" (did you mean %s.%s?)", lib.Value, h)
		}
		v.report(diag.Error, UndefinedGlobal, line, col, "%s.%s is not a function in Redis %s's Lua%s; calling it stops the script (%q)", lib.Value, field, t.shortVersion(), hint, "attempt to call field '"+field+"' (a nil value)")
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
	for _, e := range v.w.indexes {
		if !v.w.isKeysTable(e.Object) || isLiteralIndex(e.Key) {
			continue
		}
		id := e.Object.(*ast.IdentExpr)
		tok := v.w.ident[id].tok
		v.report(diag.Warning, DynamicKeysIndex, v.src.line(tok, id.Line()), v.src.col(tok), "%s[...] with a computed index, but the header %s", id.Value, declared)
	}
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

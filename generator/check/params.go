package check

import (
	"fmt"
	"math"
	"strings"

	"github.com/yuin/gopher-lua/ast"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/luasrc"
	"github.com/luagen/luagen/generator/model"
)

// use is one read of the global KEYS or ARGV with a literal index, such as
// KEYS[2].
type use struct {
	table     string  // "KEYS" or "ARGV"
	index     float64 // the literal index; may be fractional or below 1
	text      string  // the index as written, for messages ("2", "-1", "0x3")
	line, col int     // of the KEYS or ARGV
}

// uses is everything the body does with the globals KEYS and ARGV; a local
// of either name is another variable.
type uses struct {
	literal []use
	// dynamic is set for a table the body uses other than through a
	// literal index (KEYS[i], #ARGV, unpack(KEYS), local k = KEYS), after
	// which any of its params may be read.
	dynamic map[string]bool
}

func collectUses(f *luasrc.File) *uses {
	p := f.Program()
	u := &uses{dynamic: map[string]bool{}}
	indexed := map[*ast.IdentExpr]bool{}
	for _, x := range p.Indexes {
		id := x.Expr.Object.(*ast.IdentExpr)
		if !isTable(id.Value) || p.Idents[id].Binding != nil {
			continue
		}
		if v, text, ok := literalIndex(x.Expr.Key); ok {
			line, col := f.TokenPos(p.Idents[id].Tok, id.Line())
			u.literal = append(u.literal, use{table: id.Value, index: v, text: text, line: line, col: col})
			indexed[id] = true
		}
	}
	for _, id := range p.GlobalReads {
		if isTable(id.Value) && !indexed[id] {
			u.dynamic[id.Value] = true
		}
	}
	return u
}

// ParamUse is how a body reads KEYS or ARGV: the highest literal index
// it reads (KEYS[3]), and whether it reads the table other than through a
// literal index (KEYS[i], #ARGV, unpack(KEYS), local k = KEYS).
type ParamUse struct {
	Max     int
	Dynamic bool
}

// Uses returns how the body of f reads the globals KEYS and ARGV; f must
// parse.
func Uses(f *luasrc.File) (keys, args ParamUse) {
	u := collectUses(f)
	keys.Dynamic, args.Dynamic = u.dynamic["KEYS"], u.dynamic["ARGV"]
	for _, x := range u.literal {
		if x.index != math.Trunc(x.index) || x.index < 1 || x.index > math.MaxInt32 {
			continue
		}
		p := &args
		if x.table == "KEYS" {
			p = &keys
		}
		p.Max = max(p.Max, int(x.index))
	}
	return keys, args
}

func isTable(name string) bool { return name == "KEYS" || name == "ARGV" }

// literalIndex evaluates an index written as a number, possibly negated.
func literalIndex(e ast.Expr) (float64, string, bool) {
	switch e := e.(type) {
	case *ast.NumberExpr:
		v, ok := luasrc.Numeral(e.Value)
		return v, e.Value, ok
	case *ast.UnaryMinusOpExpr:
		if n, ok := e.Expr.(*ast.NumberExpr); ok {
			v, ok := luasrc.Numeral(n.Value)
			return -v, "-" + n.Value, ok
		}
	}
	return 0, "", false
}

// checkIndexes reports literal indexes of table (KEYS or ARGV) outside the
// declared params. Past the end is fine when the last param is variadic.
func (b *body) checkIndexes(u *uses, params []model.Param, table string, check diag.Check, kind, section string) {
	variadic := len(params) > 0 && params[len(params)-1].Variadic
	for _, x := range u.literal {
		if x.table != table {
			continue
		}
		var why string
		switch {
		case x.index != math.Trunc(x.index):
			why = "indexes are whole numbers, and "
		case x.index < 1:
			why = "Lua indexes from 1, and "
		case x.index > float64(len(params)) && !variadic:
		default:
			continue
		}
		msg := fmt.Sprintf("%s[%s] is out of range: %sthe header declares %s", table, x.text, why, declared(params, kind))
		if why == "" {
			msg += fmt.Sprintf("; declare the %s under %s", kind, section)
		}
		b.errorf(check, x.line, x.col, "%s", msg)
	}
}

// declared describes the params for messages: "2 keys (bucket, log)".
func declared(params []model.Param, kind string) string {
	if len(params) == 0 {
		return "no " + kind + "s"
	}
	names := make([]string, len(params))
	for i, p := range params {
		names[i] = p.Name
		if p.Variadic {
			names[i] += "..."
		}
	}
	plural := kind
	if len(params) > 1 {
		plural += "s"
	}
	return fmt.Sprintf("%d %s (%s)", len(params), plural, strings.Join(names, ", "))
}

// checkUnused warns about declared params the body never reads. A key that
// only routes the call to its cluster slot is legitimate, so this is a
// warning, not an error.
func (b *body) checkUnused(u *uses, params []model.Param, table string, check diag.Check, kind string) {
	if u.dynamic[table] {
		return
	}
	read := map[int]bool{}
	maxRead := 0
	for _, x := range u.literal {
		if x.table == table && x.index == math.Trunc(x.index) && x.index >= 1 && x.index <= math.MaxInt32 {
			read[int(x.index)] = true
			maxRead = max(maxRead, int(x.index))
		}
	}
	for i, p := range params {
		n := i + 1
		if read[n] || p.Variadic && maxRead >= n {
			continue
		}
		where := fmt.Sprintf("%s[%d]", table, n)
		if p.Variadic {
			where += " and up"
		}
		var msg string
		if kind == "key" {
			msg = fmt.Sprintf("key %s (%s) is never read; a key passed only to route the call to its slot is fine, otherwise remove it", p.Name, where)
		} else {
			msg = fmt.Sprintf("arg %s (%s) is never read; use it or remove it from the header", p.Name, where)
		}
		b.diags = append(b.diags, b.f.Warnf(p.Pos.Line, p.Pos.Col, check, "%s", msg))
	}
}

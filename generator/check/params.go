package check

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/lualex"
	"github.com/luagen/luagen/generator/model"
)

// checkIndexes reports literal indexes of table (KEYS or ARGV) outside the
// declared params. Past the end is fine when the last param is variadic.
func (b *body) checkIndexes(u *uses, params []model.Param, table, check, kind, section string) {
	seen := map[string]int{} // how many times a line's KEYS[n] was reported
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
		key := fmt.Sprintf("%d %s", x.line, x.text)
		col := b.indexColumn(x, seen[key])
		seen[key]++
		d := diag.Errorf(b.file, x.line, col, "%s", msg)
		d.Check = check
		b.diags = append(b.diags, d)
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

// indexColumn finds the column of the nth "KEYS [ 3 ]" token run on the
// use's line, falling back to the first KEYS on the line, then column 1.
func (b *body) indexColumn(x use, nth int) int {
	first := 0
	// Tokens are in source order, so the line's tokens are one run.
	start := sort.Search(len(b.tokens), func(i int) bool { return b.tokens[i].Line >= x.line })
	for i := start; i < len(b.tokens) && b.tokens[i].Line == x.line; i++ {
		t := b.tokens[i]
		if t.Kind != lualex.Name || t.Text != x.table || afterDot(b.tokens, i) {
			continue
		}
		if first == 0 {
			first = t.Col
		}
		if b.indexRunText(i) == x.text {
			if nth == 0 {
				return t.Col
			}
			nth--
		}
	}
	if first > 0 {
		return first
	}
	return 1
}

// indexRunText returns the index written after tokens[i] when they read
// NAME [ number ] or NAME [ - number ], else "".
func (b *body) indexRunText(i int) string {
	at := func(k int) lualex.Token {
		if i+k < len(b.tokens) {
			return b.tokens[i+k]
		}
		return lualex.Token{}
	}
	if at(1).Text != "[" {
		return ""
	}
	k, sign := 2, ""
	if at(k).Text == "-" {
		k, sign = 3, "-"
	}
	if at(k).Kind != lualex.Number || at(k+1).Text != "]" {
		return ""
	}
	return sign + at(k).Text
}

// checkUnused warns about declared params the body never reads. A key that
// only routes the call to its cluster slot is legitimate, so this is a
// warning, not an error.
func (b *body) checkUnused(u *uses, params []model.Param, table, check, kind string) {
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
		d := diag.Warnf(b.file, p.Pos.Line, p.Pos.Col, "%s", msg)
		d.Check = check
		b.diags = append(b.diags, d)
	}
}

package emit

import (
	"path"
	"strconv"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"
)

// Line layout. gofmt indents and aligns but never breaks a line, so the
// emitter decides where long lines break, the way gofmt-formatted
// hand-written Go breaks them: a call, parameter list or composite literal
// that does not fit breaks after its opening bracket, with one item per line
// and a trailing comma; an item that still does not fit breaks the same way.
// Code is built from pieces that know their one-line width, so the decision
// costs no rendering. Comment lines wrap at the same width (wrapProse).
const (
	maxWidth = 120 // columns a generated line may take, the Lua source excepted
	tabWidth = 8   // columns an indentation tab counts for, as gofmt aligns them
)

// piece is code whose one-line width is known.
type piece interface {
	// width is the columns the piece takes on one line.
	width() int
	// fit renders the piece on a line indented depth tabs where used
	// columns come before it and after columns follow it.
	fit(depth, used, after int) jen.Code
}

// atom is code that never breaks.
type atom struct {
	code *jen.Statement
	w    int
}

func (a atom) width() int               { return a.w }
func (a atom) fit(_, _, _ int) jen.Code { return a.code }

// none reports whether a is the zero atom, which stands for no code.
func (a atom) none() bool { return a.code == nil }

// cols is the columns s takes, one per rune.
func cols(s string) int { return utf8.RuneCountInString(s) }

func ident(name string) atom { return atom{jen.Id(name), cols(name)} }

// selector is x.sel.
func selector(x, sel string) atom { return atom{jen.Id(x).Dot(sel), cols(x) + 1 + cols(sel)} }

// qual is a package-qualified name; the package is named after the last
// element of its path (ImportName keeps it so).
func qual(pkgPath, name string) atom {
	return atom{jen.Qual(pkgPath, name), cols(path.Base(pkgPath)) + 1 + cols(name)}
}

// rtName is a name of the package generated code calls into.
func (b *backend) rtName(name string) atom {
	pkg := path.Base(b.implPath)
	if runtimeNames[name] {
		pkg = b.runtimeName
	}
	return atom{b.rt(name), cols(pkg) + 1 + cols(name)}
}

// keyed is the key: value element of a struct literal.
func keyed(key string, v atom) atom {
	return atom{jen.Id(key).Op(":").Add(v.code), cols(key) + 2 + v.w}
}

func strLit(s string) atom { return atom{jen.Lit(s), cols(strconv.Quote(s))} }
func intLit(n int) atom    { return atom{jen.Lit(n), len(strconv.Itoa(n))} }
func boolLit(b bool) atom  { return atom{jen.Lit(b), len(strconv.FormatBool(b))} }

func sliceOf(t atom) atom { return atom{jen.Index().Add(t.code), 2 + t.w} }
func ptrTo(t atom) atom   { return atom{jen.Op("*").Add(t.code), 1 + t.w} }

// list is a bracketed, comma-separated list: call arguments, parameters or
// the elements of a composite literal, after an optional head.
type list struct {
	head  atom // "runtime.Call", "[]string"; none for parameters
	wrap  func(*jen.Statement, ...jen.Code) *jen.Statement
	items []piece
}

// call is head(items...).
func call(head atom, items ...piece) list {
	return list{head: head, wrap: (*jen.Statement).Call, items: items}
}

// params is (items...) in a signature; each item is one parameter group.
func params(items ...piece) list { return list{wrap: (*jen.Statement).Params, items: items} }

// values is the composite literal typ{items...}.
func values(typ atom, items ...piece) list {
	return list{head: typ, wrap: (*jen.Statement).Values, items: items}
}

func (l list) width() int {
	w := l.head.w + 2
	for i, it := range l.items {
		if i > 0 {
			w += 2
		}
		w += it.width()
	}
	return w
}

func (l list) fit(depth, used, after int) jen.Code {
	head := jen.Null()
	if !l.head.none() {
		head = l.head.code.Clone()
	}
	if fits(depth, used+l.width()+after) || len(l.items) == 0 {
		items := make([]jen.Code, len(l.items))
		for i, it := range l.items {
			items[i] = it.fit(depth, 0, 0)
		}
		return l.wrap(head, items...)
	}
	items := make([]jen.Code, 0, len(l.items)+1)
	for _, it := range l.items {
		items = append(items, jen.Line().Add(it.fit(depth+1, 0, len(","))))
	}
	return l.wrap(head, append(items, jen.Line())...)
}

// fits reports whether a line indented depth tabs holding w more columns
// stays within maxWidth.
func fits(depth, w int) bool { return depth*tabWidth+w <= maxWidth }

// Package annotate writes a luagen header into a Lua script that has
// none, so that a folder of existing scripts becomes typed Go calls
// without writing every header by hand (luagen annotate).
//
// The header is derived from the script, flattened with the files it
// includes:
//
//   - keys and args: as many as the highest literal KEYS[n] and ARGV[n]
//     the body reads; the key count also from a name-N.lua file name
//     (BullMQ's convention). A table read with a computed index, by #KEYS,
//     unpack or ipairs, or passed as a value gets a last param that is
//     variadic.
//   - names: from the doc comments scripts carry (KEYS[1] wait key,
//     ARGV[3] -> msg, KEYS[2] 'active' list, KEYS[1] -> asynq:{<q>}:t:<id>),
//     made into unique snake_case identifiers; else key1, arg1. The
//     description becomes the param's doc, the leading comment's first
//     paragraph the script's.
//   - types: args are strings, the result is raw; edit them afterwards.
//   - readonly: true when every redis.call and redis.pcall (also through
//     a local alias such as rcall) calls a command that Redis's table does
//     not flag as a write.
//   - prefix: true on a param that is the leftmost operand of a .. whose
//     result reaches a key argument of a redis.call, through locals and
//     the parameters of local functions.
//
// The body is never changed: the header goes first, or after a shebang
// line.
package annotate

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/gopher-lua/ast"

	"github.com/luagen/luagen/generator/check"
	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/luasrc"
	"github.com/luagen/luagen/generator/model"
	"github.com/luagen/luagen/generator/parse"
	"github.com/luagen/luagen/generator/vet"
)

// Options tunes Script.
type Options struct {
	// Read reads a file the script includes, by the name luasrc.IncludePath
	// gives it; nil reads nothing (an @include is then an error).
	Read func(name string) ([]byte, error)
	// KeepName leaves the name to the file name even when it ends in a key
	// count (addJob-3.lua): set it when dropping the count would give two
	// scripts one name.
	KeepName bool
}

// Param is a key or arg of a written header.
type Param struct {
	Name, Doc string
	Variadic  bool
	Prefix    bool
}

// Result is the header written for one script.
type Result struct {
	Name       string // the name: written, "" when it comes from the file name
	Doc        string
	ReadOnly   bool
	Keys, Args []Param
	Includes   []string // the files the script includes, directly or not
	// Header is the header's text, its lines ending like the file's.
	Header string
	// Out is the file with the header: the shebang line, if any, the
	// header, then the rest of the file byte for byte.
	Out []byte
}

// HasHeader reports whether src already has something meant as a luagen
// header, which annotate leaves alone.
func HasHeader(src []byte) bool { return parse.HasHeader(src) }

// Script writes a header for the script file name (slash-separated; its
// base name counts for the key count) whose bytes are src, which must
// have no header. It fails, with findings, when an include cannot be
// inserted or the script is not valid Lua.
func Script(name string, src []byte, opts Options) (*Result, diag.List) {
	read := opts.Read
	if read == nil {
		read = func(n string) ([]byte, error) { return nil, fmt.Errorf("%s: not read", n) }
	}
	flat, m, diags := luasrc.Flatten(name, src, read)
	if diags.HasErrors() {
		return nil, diags
	}
	f := luasrc.PrepareFlat(name, flat, m)
	for _, d := range check.Body(&model.Script{File: name}, f) {
		if d.Check == diag.LuaSyntax || d.Check == diag.Goto {
			diags = append(diags, d)
		}
	}
	if diags.HasErrors() || f.Program() == nil {
		return nil, diags
	}
	r := &Result{}
	if m != nil {
		for _, inc := range m.Files[1:] {
			r.Includes = append(r.Includes, inc.Name)
		}
	}
	base := strings.TrimSuffix(path.Base(name), ".lua")
	keyCount := 0
	if mm := countSuffix.FindStringSubmatch(base); mm != nil {
		keyCount, _ = strconv.Atoi(mm[2])
		if !opts.KeepName && check.GoScriptName(mm[1]) != "" {
			r.Name = mm[1]
		}
	}
	if r.Name == "" && check.GoScriptName(fileName(base)) == "" {
		r.Name = identifier(base, "script")
	}
	docs := readDocs(f, name)
	r.Doc = docs.script
	keys, args := check.Uses(f)
	a := newAnalysis(f)
	r.ReadOnly = a.readOnly(f.Shebang())
	names := map[string]bool{}
	r.Keys = params(keys, max(keys.Max, keyCount), docs.keys, "key", a.prefix["KEYS"], names)
	r.Args = params(args, args.Max, docs.args, "arg", a.prefix["ARGV"], names)
	nl := "\n"
	if bytes.Contains(src, []byte("\r\n")) {
		nl = "\r\n"
	}
	r.Header = r.header(nl)
	if sb := f.Shebang(); sb != "" {
		end := bytes.IndexByte(src, '\n') + 1
		if end == 0 {
			src = append(bytes.Clone(src), nl...)
			end = len(src)
		}
		r.Out = slices.Concat(src[:end], []byte(r.Header), src[end:])
	} else {
		r.Out = slices.Concat([]byte(r.Header), src)
	}
	return r, diags
}

// countSuffix is a file name ending in a key count: addJob-3.
var countSuffix = regexp.MustCompile(`^(.*[^-])-(\d+)$`)

// fileName is the script name check derives from a file's base name.
func fileName(base string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '.' || r == ' ' {
			return '_'
		}
		return r
	}, base)
}

// params declares n params of one table, the last variadic when the body
// reads the table dynamically; names come from docs, by index, else from
// kind ("key1").
func params(use check.ParamUse, n int, docs map[int]string, kind string, prefix map[int]bool, taken map[string]bool) []Param {
	var out []Param
	add := func(i int, variadic bool) {
		p := Param{Doc: docs[i], Variadic: variadic, Prefix: prefix[i] && !variadic}
		fallback := fmt.Sprintf("%s%d", kind, i)
		if variadic {
			fallback = kind + "s"
			if i > 1 {
				fallback = "more_" + kind + "s"
			}
		}
		p.Name = unique(nameFrom(p.Doc, kind), fallback, kind, taken)
		if identifier(p.Doc, "") == p.Name {
			p.Doc = "" // 'wait' says no more than the name wait
		}
		out = append(out, p)
	}
	for i := 1; i <= n; i++ {
		add(i, false)
	}
	if use.Dynamic {
		add(n+1, true)
	}
	return out
}

// unique returns name, or fallback when name is "", made unique among
// taken by Go name and added to it.
func unique(name, fallback, kind string, taken map[string]bool) string {
	if name == "" {
		name = fallback
	}
	try := []string{name, name + "_" + kind}
	for i := 2; i < 100; i++ {
		try = append(try, fmt.Sprintf("%s_%d", name, i))
	}
	for _, n := range try {
		if g := check.GoParamName(n); g != "" && !taken[g] {
			taken[g] = true
			return n
		}
	}
	return fallback // 100 params of one name: unreachable in practice
}

// header renders the header, lines ended by nl.
func (r *Result) header(nl string) string {
	var b strings.Builder
	b.WriteString("--[[luagen\n")
	if r.Name != "" {
		fmt.Fprintf(&b, "name: %s\n", r.Name)
	}
	if r.Doc != "" {
		fmt.Fprintf(&b, "doc: %s\n", quote(r.Doc))
	}
	if r.ReadOnly {
		b.WriteString("readonly: true\n")
	}
	list := func(section, table string, ps []Param, typed bool) {
		if len(ps) == 0 {
			return
		}
		b.WriteString(section + ":\n")
		for i, p := range ps {
			fmt.Fprintf(&b, "  - {name: %s", p.Name)
			if typed {
				b.WriteString(", type: string")
			}
			if p.Variadic {
				b.WriteString(", variadic: true")
			}
			if p.Prefix {
				b.WriteString(", prefix: true")
			}
			if p.Doc != "" {
				fmt.Fprintf(&b, ", doc: %s", quote(p.Doc))
			}
			fmt.Fprintf(&b, "}  # %s[%d]", table, i+1)
			if p.Variadic {
				b.WriteString(" and up")
			}
			b.WriteString("\n")
		}
	}
	list("keys", "KEYS", r.Keys, false)
	list("args", "ARGV", r.Args, true)
	b.WriteString("returns: raw\n]]\n")
	return strings.ReplaceAll(b.String(), "\n", nl)
}

// quote writes s as a YAML double-quoted string that cannot close the
// header's long comment, nor nest a long bracket in it (deprecated in Lua
// 5.1, and an error where it is built with LUA_COMPAT_LSTR=1).
func quote(s string) string {
	// YAML takes printable Unicode only.
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, s)
	for strings.Contains(s, "]]") || strings.Contains(s, "[[") {
		s = strings.NewReplacer("]]", "] ]", "[[", "[ [").Replace(s)
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// identifier makes s a snake_case identifier: words of letters and digits
// (camelCase split) joined by _, lower case, prefixed when it would start
// with a digit; fallback when s has no word.
func identifier(s, fallback string) string {
	ws := words(s)
	if len(ws) == 0 {
		return fallback
	}
	id := strings.Join(ws, "_")
	if id[0] >= '0' && id[0] <= '9' {
		id = fallback + "_" + id
	}
	return id
}

var wordRE = regexp.MustCompile(`[A-Za-z0-9]+`)

// words returns the words of s in lower case: runs of ASCII letters and
// digits, camelCase split (jobId → job id, HTTPServer → http server).
func words(s string) []string {
	var out []string
	for _, w := range wordRE.FindAllString(s, -1) {
		start := 0
		for i := 1; i < len(w); i++ {
			lowerBefore := isLower(w[i-1]) || isDigit(w[i-1])
			// HTTPServer: the acronym ends before Server; IDs is one word.
			acronymEnd := isUpper(w[i-1]) && i+1 < len(w) && isLower(w[i+1]) && w[i+1:] != "s"
			if isUpper(w[i]) && (lowerBefore || acronymEnd) {
				out = append(out, strings.ToLower(w[start:i]))
				start = i
			}
		}
		out = append(out, strings.ToLower(w[start:]))
	}
	return out
}

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// nameFrom makes a param name from its doc: a key pattern
// (asynq:{<qname>}:t:<task_id>) by its segments after the first, hash
// tags left out (t_task_id); other text by its first words, articles and
// a trailing "key" left out ("events stream key" → events_stream). It
// returns "" when nothing usable is left.
func nameFrom(doc, kind string) string {
	doc = strings.Trim(doc, " \t'\"`")
	if doc == "" {
		return ""
	}
	first, _, _ := strings.Cut(doc, " ")
	if strings.Contains(first, ":") {
		segs := strings.Split(first, ":")[1:]
		var keep []string
		for _, s := range segs {
			if !strings.HasPrefix(s, "{") && s != "" {
				keep = append(keep, s)
			}
		}
		if id := identifier(strings.Join(keep, " "), ""); id != "" && !startsDigit(id) {
			return id
		}
		return ""
	}
	if i := strings.IndexAny(doc, ",;()[]."); i >= 0 {
		doc = doc[:i]
	}
	if i := strings.Index(doc, " - "); i >= 0 {
		doc = doc[:i]
	}
	var ws []string
	for _, w := range words(doc) {
		if !stopWords[w] {
			ws = append(ws, w)
		}
	}
	if kind == "key" && len(ws) > 1 && ws[len(ws)-1] == "key" {
		ws = ws[:len(ws)-1]
	}
	ws = ws[:min(len(ws), 3)]
	if len(ws) == 0 || startsDigit(ws[0]) {
		return ""
	}
	return strings.Join(ws, "_")
}

var stopWords = map[string]bool{"the": true, "a": true, "an": true, "of": true, "to": true, "for": true, "is": true}

func startsDigit(s string) bool { return s != "" && isDigit(s[0]) }

// docs is what a script's comments say about it.
type docs struct {
	script     string
	keys, args map[int]string
}

// paramDoc is a comment line documenting KEYS[n] or ARGV[n]: the name at
// the line's start (after comment markers, blanks and a bullet), then the
// description after an optional arrow, colon, dash or equals sign.
var paramDoc = regexp.MustCompile(`^[-*\s]*(KEYS|ARGV)\[(\d+)\]\s*(?:->|=>|→|:|=|-|–)?\s*(.*?)\s*$`)

// readDocs reads the comments of the script's own file (not its
// includes'): the KEYS and ARGV lines anywhere, and the first paragraph
// of a comment before any code as the script's doc.
func readDocs(f *luasrc.File, name string) docs {
	d := docs{keys: map[int]string{}, args: map[int]string{}}
	firstCode := len(f.Src)
	if len(f.Tokens) > 0 {
		firstCode = f.Tokens[0].Offset
	}
	var para []string
	paraDone := false
	for _, c := range f.Comments {
		if file, _ := f.Origin(c.Line); file != name {
			continue
		}
		leading := c.Offset < firstCode && !paraDone
		for _, line := range commentText(c) {
			if m := paramDoc.FindStringSubmatch(line); m != nil {
				n, err := strconv.Atoi(m[2])
				desc := strings.TrimRight(m[3], ",;. ")
				table := d.args
				if m[1] == "KEYS" {
					table = d.keys
				}
				if _, dup := table[n]; err == nil && n > 0 && desc != "" && !dup {
					table[n] = desc
				}
				if len(para) > 0 {
					paraDone = true
				}
				continue
			}
			if !leading || paraDone {
				continue
			}
			switch t := strings.TrimSpace(line); {
			case t == "" || strings.HasPrefix(t, "@include") || strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* "):
				// A blank line or a list ends the first paragraph.
				if len(para) > 0 {
					paraDone = true
				}
			case len(para) == 0 && strings.HasSuffix(t, ":") && len(strings.Fields(t)) <= 2:
				// A section title such as "Input:".
			default:
				para = append(para, t)
			}
		}
		if len(para) > 0 {
			paraDone = true
		}
	}
	d.script = scriptDoc(strings.Join(para, " "))
	return d
}

// commentText returns the lines of c without the comment markers.
func commentText(c luasrc.Comment) []string {
	body := c.Body()
	if c.Long() {
		body = strings.TrimSuffix(body, "]"+strings.Repeat("=", c.Level)+"]")
	}
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(strings.TrimLeft(l, "-"), "\r")
	}
	return lines
}

// scriptDoc cleans the leading comment's paragraph for doc:, at most
// about two hundred bytes, cut at a word.
func scriptDoc(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		cut := strings.LastIndexByte(s[:200], ' ')
		if cut < 0 {
			cut = 200
		}
		s = s[:cut] + " ..."
	}
	if strings.HasSuffix(s, ":") {
		s = strings.TrimSuffix(s, ":") + "."
	}
	return s
}

// analysis is what the body does with redis.call: through which locals it
// is called, and which params it builds keys from.
type analysis struct {
	p       *luasrc.Program
	aliases map[*luasrc.Binding]bool // locals holding redis.call or redis.pcall
	calls   []*ast.FuncCallExpr      // of redis.call or redis.pcall, direct or not
	escapes bool                     // redis.call is used other than by calling it
	// prefix[table][n] is set when KEYS[n] or ARGV[n] starts a key.
	prefix map[string]map[int]bool
}

func newAnalysis(f *luasrc.File) *analysis {
	p := f.Program()
	a := &analysis{p: p, aliases: map[*luasrc.Binding]bool{}, prefix: map[string]map[int]bool{"KEYS": {}, "ARGV": {}}}
	for _, b := range p.Bindings {
		if len(b.Values) == 0 {
			continue
		}
		all := true
		for _, v := range b.Values {
			all = all && v.Nth == 0 && v.ElemOf == nil && a.isRedisFn(v.Expr)
		}
		if all {
			a.aliases[b] = true
			a.escapes = a.escapes || b.Escapes
		}
	}
	callees := map[ast.Expr]bool{}
	for _, call := range p.Calls {
		callees[call.Func] = true
		if call.Receiver != nil {
			continue
		}
		if a.isRedisFn(call.Func) {
			a.calls = append(a.calls, call)
		} else if id, ok := call.Func.(*ast.IdentExpr); ok && a.aliases[p.Idents[id].Binding] {
			a.calls = append(a.calls, call)
		}
	}
	// Any other use of redis.call (passed to a function, stored in a
	// table) or of redis itself as a value hides calls from this analysis.
	aliased := map[ast.Expr]bool{}
	for b := range a.aliases {
		for _, v := range b.Values {
			aliased[v.Expr] = true
		}
	}
	objects := map[ast.Expr]bool{}
	for _, x := range p.Indexes {
		objects[x.Expr.Object] = true
		if !x.Write && a.isRedisFn(x.Expr) && !callees[x.Expr] && !aliased[x.Expr] {
			a.escapes = true
		}
	}
	for _, id := range p.GlobalReads {
		if id.Value == "redis" && !objects[id] {
			a.escapes = true
		}
	}
	for _, call := range a.calls {
		known, _, keys := vet.Command(call.Args)
		if !known {
			continue
		}
		for _, k := range keys {
			a.keyPrefixes(call.Args[k], 0, map[visit]bool{}, false)
		}
	}
	return a
}

// isRedisFn reports whether e is redis.call or redis.pcall, redis the
// global.
func (a *analysis) isRedisFn(e ast.Expr) bool {
	get, ok := e.(*ast.AttrGetExpr)
	if !ok {
		return false
	}
	key, ok := get.Key.(*ast.StringExpr)
	return ok && (key.Value == "call" || key.Value == "pcall") && a.p.IsGlobal(get.Object, "redis")
}

// readOnly reports whether every call of redis.call is seen and calls a
// known command that does not write; a shebang without no-writes rules
// readonly: true out (Redis would need the flag).
func (a *analysis) readOnly(shebang string) bool {
	if a.escapes || shebang != "" && !strings.Contains(shebang, "no-writes") {
		return false
	}
	for _, call := range a.calls {
		if known, writes, _ := vet.Command(call.Args); !known || writes {
			return false
		}
	}
	return true
}

// keyPrefixes records the params that start key e (leftmost false), or
// that e is when it is the leftmost operand of a .. (leftmost true),
// following locals.
func (a *analysis) keyPrefixes(e ast.Expr, depth int, seen map[visit]bool, leftmost bool) {
	if depth > 16 {
		return
	}
	switch e := e.(type) {
	case *ast.StringConcatOpExpr:
		a.keyPrefixes(e.Lhs, depth+1, seen, true)
	case *ast.LogicalOpExpr:
		if !leftmost {
			a.keyPrefixes(e.Lhs, depth+1, seen, false)
			a.keyPrefixes(e.Rhs, depth+1, seen, false)
		}
	case *ast.AttrGetExpr:
		id, ok := e.Object.(*ast.IdentExpr)
		n, isNum := e.Key.(*ast.NumberExpr)
		if !leftmost || !ok || !isNum || a.p.Idents[id].Binding != nil || (id.Value != "KEYS" && id.Value != "ARGV") {
			return
		}
		if i, err := strconv.Atoi(n.Value); err == nil && i > 0 {
			a.prefix[id.Value][i] = true
		}
	case *ast.FuncCallExpr:
		if leftmost && a.p.IsGlobalCall(e, "tostring") && len(e.Args) == 1 {
			a.keyPrefixes(e.Args[0], depth+1, seen, true)
		}
	case *ast.IdentExpr:
		b := a.p.Idents[e].Binding
		if b == nil || seen[visit{b, leftmost}] {
			return
		}
		seen[visit{b, leftmost}] = true
		for _, v := range b.Values {
			if v.Expr != nil && v.Nth == 0 && v.ElemOf == nil {
				a.keyPrefixes(v.Expr, depth+1, seen, leftmost)
			}
		}
	}
}

// visit is a local followed as a key (leftmost false) or as the leftmost
// operand of a key's concatenation.
type visit struct {
	b        *luasrc.Binding
	leftmost bool
}

package vet

import (
	"bytes"
	"sort"

	"github.com/luagen/luagen/generator/lualex"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// source is a script's body as vet reads it: tokens with positions for
// columns, and the statements gopher-lua parsed (lines only).
type source struct {
	file       string
	body       []byte // the file with its shebang line blanked
	lineStarts []int  // byte offset of each line
	tokens     []lualex.Token
	comments   []lualex.Comment
	// names are the indexes into tokens of every name that is a variable:
	// keywords, field names (t.x, t:x, {x = 1}) and labels left out. The
	// AST walk meets them in the same order, which is how an IdentExpr,
	// which knows only its line, finds its column.
	names  []int
	cursor int // into names: the next one the walk has not met
}

// newSource prepares src: the shebang line blanked (Redis strips it but
// keeps the line break, so lines still match the file).
func newSource(file string, src []byte) *source {
	body := append([]byte(nil), src...)
	if bytes.HasPrefix(body, []byte("#!")) {
		end := bytes.IndexByte(body, '\n')
		if end < 0 {
			end = len(body)
		}
		for i := range end {
			body[i] = ' '
		}
	}
	s := &source{file: file, body: body, lineStarts: lineStarts(body)}
	// A lexical error stops the scan: the body does not parse, vet's checks
	// do not run on it, and generator/check reports the error.
	s.tokens, s.comments, _ = lualex.Lex(body)
	s.names = variableNames(s.tokens)
	return s
}

// parse returns the statements, or nil when gopher-lua cannot read the
// body; generator/check reports why.
func (s *source) parse(src []byte) []ast.Stmt {
	stmts, err := parseLua(s.forParser(src), s.file)
	if err != nil {
		return nil
	}
	return stmts
}

func parseLua(src []byte, name string) (stmts []ast.Stmt, err error) {
	defer func() {
		if recover() != nil {
			stmts, err = nil, errParse
		}
	}()
	stmts, err = parse.Parse(bytes.NewReader(src), name)
	if err == nil && stmts == nil {
		err = errParse
	}
	return stmts, err
}

type parseError struct{}

func (parseError) Error() string { return "cannot parse" }

var errParse error = parseError{}

// forParser returns the body as gopher-lua must see it to parse what Lua
// 5.1 parses: goto used as a name renamed (gopher-lua reserves it), and form
// feeds and vertical tabs outside strings turned into spaces. Lengths stay
// the same, so lines do too.
func (s *source) forParser(src []byte) []byte {
	out := append([]byte(nil), src...)
	if bytes.HasPrefix(out, []byte("#!")) {
		for i := 0; i < len(out) && out[i] != '\n'; i++ {
			out[i] = ' '
		}
	}
	starts := lineStarts(out)
	offset := func(t lualex.Token) int { return starts[t.Line-1] + t.Col - 1 }
	inString := make([]bool, len(out))
	for i, t := range s.tokens {
		switch {
		case t.Kind == lualex.Name && t.Text == "goto" && (i+1 == len(s.tokens) || s.tokens[i+1].Kind != lualex.Name):
			copy(out[offset(t):], "_got")
		case t.Kind == lualex.String:
			for off := offset(t); off < offset(t)+len(t.Text) && off < len(out); off++ {
				inString[off] = true
			}
		}
	}
	for i, c := range out {
		if (c == '\f' || c == '\v') && !inString[i] {
			out[i] = ' '
		}
	}
	return out
}

// lineText returns line n without its line break.
func (s *source) lineText(n int) string {
	if n < 1 || n > len(s.lineStarts) {
		return ""
	}
	end := len(s.body)
	if n < len(s.lineStarts) {
		end = s.lineStarts[n] - 1
	}
	return string(s.body[s.lineStarts[n-1]:end])
}

func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// variableNames picks the name tokens that are variables.
func variableNames(tokens []lualex.Token) []int {
	var out []int
	var brackets []string // open ( [ {
	for i, t := range tokens {
		switch t.Text {
		case "(", "[", "{":
			brackets = append(brackets, t.Text)
			continue
		case ")", "]", "}":
			if n := len(brackets); n > 0 {
				brackets = brackets[:n-1]
			}
			continue
		}
		if t.Kind != lualex.Name || lualex.Keywords[t.Text] {
			continue
		}
		prev, next := "", ""
		if i > 0 {
			prev = tokens[i-1].Text
		}
		if i+1 < len(tokens) {
			next = tokens[i+1].Text
		}
		inTable := len(brackets) > 0 && brackets[len(brackets)-1] == "{"
		switch {
		case prev == "." || prev == ":" || prev == "goto" || prev == "::":
		case inTable && next == "=" && (prev == "{" || prev == "," || prev == ";"):
		default:
			out = append(out, i)
		}
	}
	return out
}

// nameAt returns the index into tokens of the next variable name the walk
// meets, which must read name; line is its line when known, or the
// earliest line it may be on (exact false). It returns -1, and stays
// put, when the name is not where it should be.
func (s *source) nameAt(name string, line int, exact bool) int {
	const window = 16 // how far a declared name may be from its statement's start
	from := s.cursor
	if exact {
		// Names on earlier lines cannot match; skip them in one step, so a
		// walk that lost its place does not rescan them at every name.
		from = max(from, sort.Search(len(s.names), func(k int) bool { return s.tokens[s.names[k]].Line >= line }))
	}
	for k := from; k < len(s.names); k++ {
		t := s.tokens[s.names[k]]
		if exact && t.Line > line || !exact && k >= from+window {
			break
		}
		if t.Text == name && (t.Line == line || !exact && t.Line >= line) {
			s.cursor = k + 1
			return s.names[k]
		}
	}
	return -1
}

// col returns the column of tokens[i], or 1 when i is unknown.
func (s *source) col(i int) int {
	if i < 0 || i >= len(s.tokens) {
		return 1
	}
	return s.tokens[i].Col
}

// line returns the line of tokens[i], or fallback when i is unknown.
func (s *source) line(i, fallback int) int {
	if i < 0 || i >= len(s.tokens) {
		return fallback
	}
	return s.tokens[i].Line
}

// callArgs returns the index into tokens of the first token of each
// argument of the call whose callee starts at tokens[i] and is written
// NAME . NAME, as in redis.call(...). Entries are -1 where unknown.
func (s *source) callArgs(i, n int) []int {
	out := make([]int, n)
	for k := range out {
		out[k] = -1
	}
	if i < 0 || i+3 >= len(s.tokens) || s.tokens[i+1].Text != "." {
		return out
	}
	open := i + 3
	switch t := s.tokens[open]; {
	case t.Kind == lualex.String || t.Text == "{":
		if n > 0 {
			out[0] = open
		}
		return out
	case t.Text != "(":
		return out
	}
	depth, arg := 0, 0
	if open+1 < len(s.tokens) && s.tokens[open+1].Text != ")" && n > 0 {
		out[0] = open + 1
	}
	for k := open + 1; k < len(s.tokens); k++ {
		switch s.tokens[k].Text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			if depth == 0 {
				return out
			}
			depth--
		case ",":
			if depth == 0 {
				arg++
				if arg < n && k+1 < len(s.tokens) {
					out[arg] = k + 1
				}
			}
		}
	}
	return out
}

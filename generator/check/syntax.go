package check

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/lualex"
)

// body is a script prepared for Lua: the shebang line blanked (Redis strips
// it but keeps its line break, so line numbers still match the file).
type body struct {
	file       string
	src        []byte
	lineStarts []int // byte offset of each line's start
	tokens     []lualex.Token
	diags      diag.List
}

func newBody(file string, src []byte) *body {
	b := &body{file: file, src: append([]byte(nil), src...)}
	if bytes.HasPrefix(b.src, []byte("#!")) {
		end := bytes.IndexByte(b.src, '\n')
		if end < 0 {
			end = len(b.src)
		}
		for i := 0; i < end; i++ {
			b.src[i] = ' '
		}
	}
	b.lineStarts = []int{0}
	for i, c := range b.src {
		if c == '\n' {
			b.lineStarts = append(b.lineStarts, i+1)
		}
	}
	return b
}

// parse tokenizes and parses the body. It reports lexical and syntax errors
// and returns the statements, and false when the body does not parse.
func (b *body) parse() ([]ast.Stmt, bool) {
	tokens, _, lexErr := lualex.Lex(b.src)
	b.tokens = tokens
	if lexErr != nil {
		b.errorf(Syntax, lexErr.Line, lexErr.Col, "%s", lexErr.Msg)
		return nil, false
	}
	if bytes.HasPrefix(b.src, []byte("\xEF\xBB\xBF")) {
		b.errorf(Syntax, 1, 1, "the file starts with a UTF-8 byte order mark, which Redis's Lua rejects; save it without one")
		return nil, false
	}
	misplaced := b.misplacedShebangs()
	for line := range b.reportAmbiguousCalls() {
		misplaced[line] = true
	}
	b.reportGoto()
	reported := b.diags.HasErrors()
	stmts, err := parse.Parse(bytes.NewReader(b.forParser()), b.file)
	if err != nil {
		var perr *parse.Error
		if errors.As(err, &perr) {
			// gopher-lua stops at the first error; when it is on a line
			// already explained, the better finding stands alone.
			if line := b.syntaxLine(perr); !misplaced[line] {
				b.syntaxError(perr)
			}
		} else {
			b.errorf(Syntax, 1, 0, "cannot parse the body: %v", err)
		}
		return nil, false
	}
	if stmts == nil {
		// gopher-lua swallows panics that are not errors and returns
		// nothing; never treat that as an empty body.
		b.errorf(Syntax, 1, 0, "cannot parse the body")
		return nil, false
	}
	if reported {
		// Redis would not load the script (misplaced shebang, ambiguous
		// call), so index findings would be noise; goto findings are
		// errors too but leave the body readable.
		return stmts, !b.hasSyntaxErrors()
	}
	return stmts, true
}

// misplacedShebangs reports "#!" at the start of any line but the first:
// Redis only reads a shebang on line 1, so anywhere else it is a syntax
// error, typically a header written above the shebang.
func (b *body) misplacedShebangs() map[int]bool {
	lines := map[int]bool{}
	for i := 0; i+1 < len(b.tokens); i++ {
		t, n := b.tokens[i], b.tokens[i+1]
		if t.Text == "#" && t.Col == 1 && n.Text == "!" && n.Line == t.Line && n.Col == 2 {
			lines[t.Line] = true
			b.errorf(Syntax, t.Line, 1, "a shebang must be the first line of the file, before the luagen header")
		}
	}
	return lines
}

// reportGoto reports goto statements and labels. gopher-lua accepts them
// (it follows Lua 5.2 there); Redis's Lua 5.1 rejects the script.
func (b *body) reportGoto() {
	for i := 0; i < len(b.tokens); i++ {
		t := b.tokens[i]
		switch {
		case t.Kind == lualex.Name && t.Text == "goto" && i+1 < len(b.tokens) && b.tokens[i+1].Kind == lualex.Name && !afterDot(b.tokens, i):
			b.errorf(Goto, t.Line, t.Col, "goto is not supported by Redis's Lua 5.1; use a loop, if/else or a function instead")
		case t.Text == "::":
			label := "::"
			if i+2 < len(b.tokens) && b.tokens[i+1].Kind == lualex.Name && b.tokens[i+2].Text == "::" {
				label = "::" + b.tokens[i+1].Text + "::"
				i += 2 // past the label's closing ::
			}
			b.errorf(Goto, t.Line, t.Col, "labels (%s) are not supported by Redis's Lua 5.1; use a loop, if/else or a function instead", label)
		}
	}
}

// forParser returns the source gopher-lua should read. In Lua 5.1 "goto"
// is an ordinary name, but gopher-lua reserves it; every goto that is not
// a goto statement (already reported) is renamed to a name of the same
// length so positions stay put. Form feeds and vertical tabs, which Lua
// 5.1 treats as spaces and gopher-lua rejects, become spaces.
func (b *body) forParser() []byte {
	out := append([]byte(nil), b.src...)
	for i, t := range b.tokens {
		if t.Kind == lualex.Name && t.Text == "goto" && (i+1 == len(b.tokens) || b.tokens[i+1].Kind != lualex.Name) {
			off := b.offset(t.Line, t.Col)
			copy(out[off:], "_got")
		}
	}
	inString := make([]bool, len(out))
	for _, t := range b.tokens {
		if t.Kind == lualex.String {
			start := b.offset(t.Line, t.Col)
			for off := start; off < start+len(t.Text) && off < len(out); off++ {
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

// offset returns the byte offset of a line and column.
func (b *body) offset(line, col int) int {
	if line < 1 || line > len(b.lineStarts) {
		return len(b.src)
	}
	return min(b.lineStarts[line-1]+col-1, len(b.src))
}

// syntaxLine is the line a gopher-lua error points at; 0 at end of input.
func (b *body) syntaxLine(e *parse.Error) int {
	if e.Pos.Line == parse.EOF {
		return 0
	}
	return e.Pos.Line
}

// syntaxError turns a gopher-lua error into a finding at the offending
// token. gopher-lua places its errors at the last byte it read, and says
// only "syntax error"; the token list gives the token's start and text.
func (b *body) syntaxError(e *parse.Error) {
	if e.Pos.Line == parse.EOF {
		b.eofError()
		return
	}
	line, col := e.Pos.Line, e.Pos.Column
	near := e.Token
	for _, t := range b.tokens {
		if t.EndLine == line && t.EndCol == col {
			line, col, near = t.Line, t.Col, t.Text
			break
		}
	}
	switch e.Message {
	case "Invalid token":
		b.errorf(Syntax, line, col, "unexpected character %s", quoteNear(e.Token))
	case "syntax error", "parse error":
		b.errorf(Syntax, line, col, "syntax error near %s", quoteNear(near))
	case "":
		b.errorf(Syntax, line, col, "syntax error near %s", quoteNear(near))
	default:
		b.errorf(Syntax, line, col, "%s near %s", strings.ToLower(e.Message[:1])+e.Message[1:], quoteNear(near))
	}
}

// eofError explains input that ends too early: an unclosed block when
// there is one, otherwise the last token.
func (b *body) eofError() {
	if t, want := unclosedBlock(b.tokens); t != nil {
		b.errorf(Syntax, t.Line, t.Col, "%q is never closed: '%s' expected before the end of the file", t.Text, want)
		return
	}
	if n := len(b.tokens); n > 0 {
		t := b.tokens[n-1]
		b.errorf(Syntax, t.EndLine, t.EndCol+1, "unexpected end of the file after %s", quoteNear(t.Text))
		return
	}
	b.errorf(Syntax, 1, 1, "unexpected end of the file")
}

// unclosedBlock returns the innermost block opener without its 'end' (or
// 'until' for repeat), matching keywords the way Lua's grammar pairs them.
func unclosedBlock(tokens []lualex.Token) (*lualex.Token, string) {
	var stack []*lualex.Token
	for i := range tokens {
		t := &tokens[i]
		if t.Kind != lualex.Name || afterDot(tokens, i) {
			continue
		}
		switch t.Text {
		case "function", "do", "if", "repeat":
			stack = append(stack, t)
		case "end":
			if n := len(stack); n > 0 && stack[n-1].Text != "repeat" {
				stack = stack[:n-1]
			}
		case "until":
			if n := len(stack); n > 0 && stack[n-1].Text == "repeat" {
				stack = stack[:n-1]
			}
		}
	}
	if len(stack) == 0 {
		return nil, ""
	}
	t := stack[len(stack)-1]
	if t.Text == "repeat" {
		return t, "until"
	}
	return t, "end"
}

// afterDot reports whether tokens[i] follows "." or ":", where a name is a
// field or method, not a keyword or variable.
func afterDot(tokens []lualex.Token, i int) bool {
	return i > 0 && (tokens[i-1].Text == "." || tokens[i-1].Text == ":")
}

// quoteNear quotes a token for a message, shortened so a long string does
// not swamp it.
func quoteNear(s string) string {
	if len(s) > 24 {
		s = s[:21] + "..."
	}
	return fmt.Sprintf("%q", s)
}

func (b *body) hasSyntaxErrors() bool {
	for _, d := range b.diags {
		if d.Check == Syntax {
			return true
		}
	}
	return false
}

func (b *body) errorf(check string, line, col int, format string, args ...any) {
	d := diag.Errorf(b.file, line, col, format, args...)
	d.Check = check
	b.diags = append(b.diags, d)
}

package check

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"

	"github.com/luagen/luagen/generator/diag"
)

// body is a script prepared for Lua: the shebang line blanked (Redis strips
// it but keeps its line break, so line numbers still match the file).
type body struct {
	file       string
	src        []byte
	lineStarts []int // byte offset of each line's start
	tokens     []token
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
	tokens, lexErr := lex(b.src)
	b.tokens = tokens
	if lexErr != nil {
		b.errorf(Syntax, lexErr.line, lexErr.col, "%s", lexErr.msg)
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
		if t.text == "#" && t.col == 1 && n.text == "!" && n.line == t.line && n.col == 2 {
			lines[t.line] = true
			b.errorf(Syntax, t.line, 1, "a shebang must be the first line of the file, before the luagen header")
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
		case t.kind == tokName && t.text == "goto" && i+1 < len(b.tokens) && b.tokens[i+1].kind == tokName && !afterDot(b.tokens, i):
			b.errorf(Goto, t.line, t.col, "goto is not supported by Redis's Lua 5.1; use a loop, if/else or a function instead")
		case t.text == "::":
			label := "::"
			if i+2 < len(b.tokens) && b.tokens[i+1].kind == tokName && b.tokens[i+2].text == "::" {
				label = "::" + b.tokens[i+1].text + "::"
				i += 2 // past the label's closing ::
			}
			b.errorf(Goto, t.line, t.col, "labels (%s) are not supported by Redis's Lua 5.1; use a loop, if/else or a function instead", label)
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
		if t.kind == tokName && t.text == "goto" && (i+1 == len(b.tokens) || b.tokens[i+1].kind != tokName) {
			off := b.offset(t.line, t.col)
			copy(out[off:], "_got")
		}
	}
	inString := make([]bool, len(out))
	for _, t := range b.tokens {
		if t.kind == tokString {
			start := b.offset(t.line, t.col)
			for off := start; off < start+len(t.text) && off < len(out); off++ {
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
		if t.endLine == line && t.endCol == col {
			line, col, near = t.line, t.col, t.text
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
		b.errorf(Syntax, t.line, t.col, "%q is never closed: '%s' expected before the end of the file", t.text, want)
		return
	}
	if n := len(b.tokens); n > 0 {
		t := b.tokens[n-1]
		b.errorf(Syntax, t.endLine, t.endCol+1, "unexpected end of the file after %s", quoteNear(t.text))
		return
	}
	b.errorf(Syntax, 1, 1, "unexpected end of the file")
}

// unclosedBlock returns the innermost block opener without its 'end' (or
// 'until' for repeat), matching keywords the way Lua's grammar pairs them.
func unclosedBlock(tokens []token) (*token, string) {
	var stack []*token
	for i := range tokens {
		t := &tokens[i]
		if t.kind != tokName || afterDot(tokens, i) {
			continue
		}
		switch t.text {
		case "function", "do", "if", "repeat":
			stack = append(stack, t)
		case "end":
			if n := len(stack); n > 0 && stack[n-1].text != "repeat" {
				stack = stack[:n-1]
			}
		case "until":
			if n := len(stack); n > 0 && stack[n-1].text == "repeat" {
				stack = stack[:n-1]
			}
		}
	}
	if len(stack) == 0 {
		return nil, ""
	}
	t := stack[len(stack)-1]
	if t.text == "repeat" {
		return t, "until"
	}
	return t, "end"
}

// afterDot reports whether tokens[i] follows "." or ":", where a name is a
// field or method, not a keyword or variable.
func afterDot(tokens []token, i int) bool {
	return i > 0 && (tokens[i-1].text == "." || tokens[i-1].text == ":")
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

package check

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/yuin/gopher-lua/parse"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/luasrc"
)

// syntax reports lexical and syntax errors, and whether the body can be
// read for the other checks.
func (b *body) syntax() bool {
	f := b.f
	if f.LexErr != nil {
		b.errorf(diag.LuaSyntax, f.LexErr.Line, f.LexErr.Col, "%s", f.LexErr.Msg)
		return false
	}
	if bytes.HasPrefix(f.Text, []byte("\xEF\xBB\xBF")) {
		b.errorf(diag.LuaSyntax, 1, 1, "the file starts with a UTF-8 byte order mark, which Redis's Lua rejects; save it without one")
		return false
	}
	misplaced := b.misplacedShebangs()
	for line := range b.reportAmbiguousCalls() {
		misplaced[line] = true
	}
	b.reportGoto()
	reported := b.diags.HasErrors()
	if f.ParseErr != nil {
		var perr *parse.Error
		switch {
		case errors.As(f.ParseErr, &perr):
			// gopher-lua stops at the first error; when it is on a line
			// already explained, the better finding stands alone.
			if line := syntaxLine(perr); !misplaced[line] {
				b.syntaxError(perr)
			}
		case errors.Is(f.ParseErr, luasrc.ErrNoTree):
			// Never treat a body gopher-lua gave up on as empty.
			b.errorf(diag.LuaSyntax, 1, 0, "cannot parse the body")
		default:
			b.errorf(diag.LuaSyntax, 1, 0, "cannot parse the body: %v", f.ParseErr)
		}
		return false
	}
	if reported {
		// Redis would not load the script (misplaced shebang, ambiguous
		// call), so index findings would be noise; goto findings are
		// errors too but leave the body readable.
		return !b.hasSyntaxErrors()
	}
	return true
}

// misplacedShebangs reports "#!" at the start of any line but the first:
// Redis only reads a shebang on line 1, so anywhere else it is a syntax
// error, typically a header written above the shebang.
func (b *body) misplacedShebangs() map[int]bool {
	lines := map[int]bool{}
	for i := 0; i+1 < len(b.f.Tokens); i++ {
		t, n := b.f.Tokens[i], b.f.Tokens[i+1]
		if t.Text == "#" && t.Col == 1 && n.Text == "!" && n.Line == t.Line && n.Col == 2 {
			lines[t.Line] = true
			b.errorf(diag.LuaSyntax, t.Line, 1, "a shebang must be the first line of the file, before the luagen header")
		}
	}
	return lines
}

// reportGoto reports goto statements and labels. gopher-lua accepts them
// (it follows Lua 5.2 there); Redis's Lua 5.1 rejects the script.
func (b *body) reportGoto() {
	for i := 0; i < len(b.f.Tokens); i++ {
		t := b.f.Tokens[i]
		switch {
		case t.Kind == luasrc.Name && t.Text == "goto" && i+1 < len(b.f.Tokens) && b.f.Tokens[i+1].Kind == luasrc.Name && !afterDot(b.f.Tokens, i):
			b.errorf(diag.Goto, t.Line, t.Col, "goto is not supported by Redis's Lua 5.1; use a loop, if/else or a function instead")
		case t.Text == "::":
			label := "::"
			if i+2 < len(b.f.Tokens) && b.f.Tokens[i+1].Kind == luasrc.Name && b.f.Tokens[i+2].Text == "::" {
				label = "::" + b.f.Tokens[i+1].Text + "::"
				i += 2 // past the label's closing ::
			}
			b.errorf(diag.Goto, t.Line, t.Col, "labels (%s) are not supported by Redis's Lua 5.1; use a loop, if/else or a function instead", label)
		}
	}
}

// syntaxLine is the line a gopher-lua error points at; 0 at end of input.
func syntaxLine(e *parse.Error) int {
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
	for _, t := range b.f.Tokens {
		if t.EndLine == line && t.EndCol == col {
			line, col, near = t.Line, t.Col, t.Text
			break
		}
	}
	switch e.Message {
	case "Invalid token":
		b.errorf(diag.LuaSyntax, line, col, "unexpected character %s", quoteNear(e.Token))
	case "syntax error", "parse error":
		b.errorf(diag.LuaSyntax, line, col, "syntax error near %s", quoteNear(near))
	case "":
		b.errorf(diag.LuaSyntax, line, col, "syntax error near %s", quoteNear(near))
	default:
		b.errorf(diag.LuaSyntax, line, col, "%s near %s", strings.ToLower(e.Message[:1])+e.Message[1:], quoteNear(near))
	}
}

// eofError explains input that ends too early: an unclosed block when
// there is one, otherwise the last token.
func (b *body) eofError() {
	if t, want := unclosedBlock(b.f.Tokens); t != nil {
		b.errorf(diag.LuaSyntax, t.Line, t.Col, "%q is never closed: '%s' expected before the end of the file", t.Text, want)
		return
	}
	if n := len(b.f.Tokens); n > 0 {
		t := b.f.Tokens[n-1]
		b.errorf(diag.LuaSyntax, t.EndLine, t.EndCol+1, "unexpected end of the file after %s", quoteNear(t.Text))
		return
	}
	b.errorf(diag.LuaSyntax, 1, 1, "unexpected end of the file")
}

// unclosedBlock returns the innermost block opener without its 'end' (or
// 'until' for repeat), matching keywords the way Lua's grammar pairs them.
func unclosedBlock(tokens []luasrc.Token) (*luasrc.Token, string) {
	var stack []*luasrc.Token
	for i := range tokens {
		t := &tokens[i]
		if t.Kind != luasrc.Name || afterDot(tokens, i) {
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
func afterDot(tokens []luasrc.Token, i int) bool {
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
		if d.Check == diag.LuaSyntax {
			return true
		}
	}
	return false
}

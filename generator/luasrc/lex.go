package luasrc

import (
	"fmt"
	"regexp"
)

// Token is one Lua token with its position; Line and Col are 1-based, Col
// in bytes. Lines are counted at '\n', as editors do.
type Token struct {
	Kind   Kind
	Text   string // the source text, quotes and brackets included
	Offset int    // byte offset of the first byte
	Line   int
	Col    int
	// EndLine and EndCol are where the token's last byte is.
	EndLine, EndCol int
}

// Kind is a token's kind.
type Kind int

const (
	Name Kind = iota // identifiers and keywords
	Number
	String
	Symbol
)

// Comment is one comment, from its "--" to the end of its line or through
// its closing long bracket.
type Comment struct {
	Text      string // the source text, "--" and brackets included
	Offset    int    // byte offset of the "--"
	End       int    // byte offset just past the comment
	Line, Col int    // where the "--" is
	// Level is the long bracket's level: 0 for --[[ ]], 2 for --[==[ ]==],
	// and -1 for a line comment.
	Level int
	// Unclosed is set for a long comment that runs to the end of the file;
	// the lexer stops there with an error.
	Unclosed bool
}

// Long reports whether c is a long comment (--[[ ... ]]).
func (c Comment) Long() bool { return c.Level >= 0 }

// Body is the text after the opener: past "--[==[" for a long comment
// (its closing bracket included), past "--" for a line comment.
func (c Comment) Body() string {
	if c.Long() {
		return c.Text[4+c.Level:]
	}
	return c.Text[2:]
}

// LexError is a lexical error, at the start of the offending token.
type LexError struct {
	Line, Col int
	Msg       string
}

func (e *LexError) Error() string { return e.Msg }

type lexer struct {
	src       []byte
	i         int
	line, col int
	tokens    []Token
	comments  []Comment
	err       *LexError
}

// lex returns the tokens of src (whitespace and comments left out), its
// comments, and the first lexical error, after which it stops. A shebang
// line must already be blanked.
func lex(src []byte) ([]Token, []Comment, *LexError) {
	// About one token per five bytes of typical scripts; growing the
	// slice was a visible share of loading.
	l := &lexer{src: src, line: 1, col: 1, tokens: make([]Token, 0, len(src)/5+1)}
	for l.err == nil && l.i < len(l.src) {
		l.next()
	}
	return l.tokens, l.comments, l.err
}

func (l *lexer) peek(k int) byte {
	if l.i+k < len(l.src) {
		return l.src[l.i+k]
	}
	return 0
}

// advance moves past n bytes, counting lines.
func (l *lexer) advance(n int) {
	for ; n > 0 && l.i < len(l.src); n-- {
		if l.src[l.i] == '\n' {
			l.line++
			l.col = 1
		} else {
			l.col++
		}
		l.i++
	}
}

func (l *lexer) fail(line, col int, format string, args ...any) {
	l.err = &LexError{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

func (l *lexer) emit(kind Kind, start, line, col int) {
	endLine, endCol := l.line, l.col-1
	if endCol < 1 { // the token ended with a newline inside it
		endCol = 1
	}
	l.tokens = append(l.tokens, Token{Kind: kind, Text: string(l.src[start:l.i]), Offset: start, Line: line, Col: col, EndLine: endLine, EndCol: endCol})
}

func (l *lexer) addComment(start, line, col, level int, unclosed bool) {
	l.comments = append(l.comments, Comment{Text: string(l.src[start:l.i]), Offset: start, End: l.i, Line: line, Col: col, Level: level, Unclosed: unclosed})
}

func (l *lexer) next() {
	c := l.peek(0)
	start, line, col := l.i, l.line, l.col
	switch {
	case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v':
		l.advance(1)
	case c == '-' && l.peek(1) == '-':
		l.advance(2)
		level, ok := l.longOpen()
		switch {
		case ok && !l.longBody(level):
			l.addComment(start, line, col, level, true)
			l.fail(line, col, "unfinished long comment: no closing ]%s]", equals(level))
			return
		case !ok:
			// "--[=" without its second bracket is a line comment too.
			level = -1
			for l.i < len(l.src) && l.src[l.i] != '\n' {
				l.advance(1)
			}
		}
		l.addComment(start, line, col, level, false)
	case c == '[' && (l.peek(1) == '[' || l.peek(1) == '='):
		level, ok := l.longOpen()
		if !ok {
			if level > 0 {
				l.fail(line, col, "invalid long string delimiter; write [%s[", equals(level))
				return
			}
			l.advance(1)
			l.emit(Symbol, start, line, col)
			return
		}
		if !l.longBody(level) {
			l.fail(line, col, "unfinished long string: no closing ]%s]", equals(level))
			return
		}
		l.emit(String, start, line, col)
	case c == '"' || c == '\'':
		l.shortString(c, start, line, col)
	case isDigit(c) || c == '.' && isDigit(l.peek(1)):
		l.number(start, line, col)
	case isNameStart(c):
		for isNameStart(l.peek(0)) || isDigit(l.peek(0)) {
			l.advance(1)
		}
		l.emit(Name, start, line, col)
	default:
		n := 1
		for _, op := range []string{"...", "..", "==", "~=", "<=", ">=", "::"} {
			if hasPrefixAt(l.src, l.i, op) {
				n = len(op)
				break
			}
		}
		l.advance(n)
		l.emit(Symbol, start, line, col)
	}
}

// longOpen reads "[", "="*, "[" at the current position. It returns the
// level and whether the bracket was complete; on false it has consumed
// nothing.
func (l *lexer) longOpen() (int, bool) {
	if l.peek(0) != '[' {
		return 0, false
	}
	level := 0
	for l.peek(1+level) == '=' {
		level++
	}
	if l.peek(1+level) != '[' {
		return level, false
	}
	l.advance(level + 2)
	return level, true
}

// longBody reads up to and including the closing bracket of the given
// level; false at end of input.
func (l *lexer) longBody(level int) bool {
	closer := "]" + equals(level) + "]"
	for l.i < len(l.src) {
		if hasPrefixAt(l.src, l.i, closer) {
			l.advance(len(closer))
			return true
		}
		l.advance(1)
	}
	return false
}

func (l *lexer) shortString(quote byte, start, line, col int) {
	l.advance(1)
	for {
		if l.i >= len(l.src) || l.src[l.i] == '\n' || l.src[l.i] == '\r' {
			l.fail(line, col, "unfinished string: no closing %c on this line", quote)
			return
		}
		c := l.src[l.i]
		switch {
		case c == quote:
			l.advance(1)
			l.emit(String, start, line, col)
			return
		case c == '\\' && isDigit(l.peek(1)):
			escLine, escCol := l.line, l.col
			l.advance(1)
			v := 0
			for k := 0; k < 3 && isDigit(l.peek(0)); k++ {
				v = v*10 + int(l.peek(0)-'0')
				l.advance(1)
			}
			if v > 255 {
				l.fail(escLine, escCol, "escape sequence too large: \\%d is above \\255", v)
				return
			}
		case c == '\\':
			// Any other escaped byte, a line break included, is fine in
			// Lua 5.1; \r\n counts as one break.
			l.advance(2)
			if l.i > 0 && l.src[l.i-1] == '\r' && l.peek(0) == '\n' {
				l.advance(1)
			}
		default:
			l.advance(1)
		}
	}
}

// numeral is what Lua 5.1 accepts as a numeral: a decimal with optional
// fraction and exponent, or a hexadecimal integer.
var numeral = regexp.MustCompile(`^(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|0[xX][0-9a-fA-F]+)$`)

// number reads a numeral as greedily as Lua 5.1 does (digits, dots, an
// exponent sign, then any letters), so "3..2" and "1e" are one malformed
// token there and here.
func (l *lexer) number(start, line, col int) {
	for isDigit(l.peek(0)) || l.peek(0) == '.' {
		l.advance(1)
	}
	if c := l.peek(0); c == 'e' || c == 'E' {
		l.advance(1)
		if c := l.peek(0); c == '+' || c == '-' {
			l.advance(1)
		}
	}
	for isNameStart(l.peek(0)) || isDigit(l.peek(0)) {
		l.advance(1)
	}
	text := string(l.src[start:l.i])
	if !numeral.MatchString(text) {
		l.fail(line, col, "malformed number %q", text)
		return
	}
	l.emit(Number, start, line, col)
}

func equals(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '='
	}
	return string(b)
}

func hasPrefixAt(src []byte, i int, s string) bool {
	return i+len(s) <= len(src) && string(src[i:i+len(s)]) == s
}

func isDigit(c byte) bool     { return '0' <= c && c <= '9' }
func isNameStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// Keywords are Lua 5.1's reserved words; goto is not one of them.
var Keywords = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true,
	"false": true, "for": true, "function": true, "if": true, "in": true, "local": true,
	"nil": true, "not": true, "or": true, "repeat": true, "return": true, "then": true,
	"true": true, "until": true, "while": true,
}

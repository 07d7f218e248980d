package check

import (
	"fmt"
	"regexp"
)

// token is one Lua token with its position; line and col are 1-based, col
// in bytes. Lines are counted at '\n', as editors do.
type token struct {
	kind tokenKind
	text string // the source text, quotes and brackets included
	line int
	col  int
	// endLine and endCol are where the token's last byte is.
	endLine, endCol int
}

type tokenKind int

const (
	tokName tokenKind = iota // identifiers and keywords
	tokNumber
	tokString
	tokSymbol
)

// lexError is a lexical error, at the start of the offending token.
type lexError struct {
	line, col int
	msg       string
}

// lexer tokenizes Lua 5.1 source the way Redis's Lua reads it. gopher-lua
// has its own lexer, but it reports neither columns nor where an
// unfinished string starts, and it treats goto as a keyword; this one gives
// the positions the findings need.
type lexer struct {
	src       []byte
	i         int
	line, col int
	tokens    []token
	err       *lexError
}

// lex returns the tokens of src, comments and whitespace left out, and the
// first lexical error, after which it stops.
func lex(src []byte) ([]token, *lexError) {
	l := &lexer{src: src, line: 1, col: 1}
	for l.err == nil && l.i < len(l.src) {
		l.next()
	}
	return l.tokens, l.err
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
	l.err = &lexError{line: line, col: col, msg: fmt.Sprintf(format, args...)}
}

func (l *lexer) emit(kind tokenKind, start, line, col int) {
	endLine, endCol := l.line, l.col-1
	if endCol < 1 { // the token ended with a newline inside it
		endCol = 1
	}
	l.tokens = append(l.tokens, token{kind: kind, text: string(l.src[start:l.i]), line: line, col: col, endLine: endLine, endCol: endCol})
}

func (l *lexer) next() {
	c := l.peek(0)
	start, line, col := l.i, l.line, l.col
	switch {
	case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v':
		l.advance(1)
	case c == '-' && l.peek(1) == '-':
		l.advance(2)
		if level, ok := l.longOpen(); ok {
			if !l.longBody(level) {
				l.fail(line, col, "unfinished long comment: no closing ]%s]", equals(level))
			}
			return
		}
		for l.i < len(l.src) && l.src[l.i] != '\n' {
			l.advance(1)
		}
	case c == '[' && (l.peek(1) == '[' || l.peek(1) == '='):
		level, ok := l.longOpen()
		if !ok {
			if level > 0 {
				l.fail(line, col, "invalid long string delimiter; write [%s[", equals(level))
				return
			}
			l.advance(1)
			l.emit(tokSymbol, start, line, col)
			return
		}
		if !l.longBody(level) {
			l.fail(line, col, "unfinished long string: no closing ]%s]", equals(level))
			return
		}
		l.emit(tokString, start, line, col)
	case c == '"' || c == '\'':
		l.shortString(c, start, line, col)
	case isDigit(c) || c == '.' && isDigit(l.peek(1)):
		l.number(start, line, col)
	case isNameStart(c):
		for isNameStart(l.peek(0)) || isDigit(l.peek(0)) {
			l.advance(1)
		}
		l.emit(tokName, start, line, col)
	default:
		n := 1
		for _, op := range []string{"...", "..", "==", "~=", "<=", ">=", "::"} {
			if hasPrefixAt(l.src, l.i, op) {
				n = len(op)
				break
			}
		}
		l.advance(n)
		l.emit(tokSymbol, start, line, col)
	}
}

// longOpen reads "[", "="*, "[" at the current position. It returns the
// level and whether the bracket was complete; on false it has consumed
// nothing unless level > 0.
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
			l.emit(tokString, start, line, col)
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
	l.emit(tokNumber, start, line, col)
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

package vet

// token is one Lua token; line and col are 1-based, col in bytes.
type token struct {
	kind tokenKind
	text string // the source text, quotes and brackets included
	line int
	col  int
}

type tokenKind int

const (
	tokName tokenKind = iota // identifiers and keywords
	tokNumber
	tokString
	tokSymbol
)

// commentLine is the text of a comment on one line; a long comment gives
// one per line it spans.
type commentLine struct {
	line, col int // where text starts
	text      string
}

// lex splits Lua 5.1 source into tokens and comment lines. It is the
// lenient cousin of generator/check's lexer, which reports lexical errors:
// here they only stop the scan, since vet runs on bodies that parse. The
// shebang line must already be blanked.
func lex(src []byte) ([]token, []commentLine) {
	l := &lexer{src: src, line: 1, col: 1}
	for !l.stop && l.i < len(src) {
		l.next()
	}
	return l.tokens, l.comments
}

type lexer struct {
	src       []byte
	i         int
	line, col int
	tokens    []token
	comments  []commentLine
	stop      bool
}

func (l *lexer) peek(k int) byte {
	if l.i+k < len(l.src) {
		return l.src[l.i+k]
	}
	return 0
}

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

func (l *lexer) emit(kind tokenKind, start, line, col int) {
	l.tokens = append(l.tokens, token{kind: kind, text: string(l.src[start:l.i]), line: line, col: col})
}

// addComment records src[start:l.i], split at line breaks; it starts at
// line and col.
func (l *lexer) addComment(start, line, col int) {
	from := start
	for j := start; j <= l.i; j++ {
		if j == l.i || l.src[j] == '\n' {
			l.comments = append(l.comments, commentLine{line: line, col: col, text: string(l.src[from:j])})
			line, col = line+1, 1
			from = j + 1
		}
	}
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
			l.stop = !l.longBody(level)
		} else {
			for l.i < len(l.src) && l.src[l.i] != '\n' {
				l.advance(1)
			}
		}
		l.addComment(start, line, col)
	case c == '[' && (l.peek(1) == '[' || l.peek(1) == '='):
		level, ok := l.longOpen()
		switch {
		case ok:
			l.stop = !l.longBody(level)
			l.emit(tokString, start, line, col)
		case level > 0:
			l.stop = true
		default:
			l.advance(1)
			l.emit(tokSymbol, start, line, col)
		}
	case c == '"' || c == '\'':
		l.shortString(c)
		l.emit(tokString, start, line, col)
	case isDigit(c) || c == '.' && isDigit(l.peek(1)):
		// As greedy as Lua 5.1's read_numeral, so positions agree.
		for isDigit(l.peek(0)) || l.peek(0) == '.' {
			l.advance(1)
		}
		if c := l.peek(0); c == 'e' || c == 'E' {
			l.advance(1)
			if c := l.peek(0); c == '+' || c == '-' {
				l.advance(1)
			}
		}
		for isNameByte(l.peek(0)) || isDigit(l.peek(0)) {
			l.advance(1)
		}
		l.emit(tokNumber, start, line, col)
	case isNameByte(c):
		for isNameByte(l.peek(0)) || isDigit(l.peek(0)) {
			l.advance(1)
		}
		l.emit(tokName, start, line, col)
	default:
		n := 1
		for _, op := range []string{"...", "..", "==", "~=", "<=", ">=", "::"} {
			if l.i+len(op) <= len(l.src) && string(l.src[l.i:l.i+len(op)]) == op {
				n = len(op)
				break
			}
		}
		l.advance(n)
		l.emit(tokSymbol, start, line, col)
	}
}

// longOpen reads "[", "="*, "[" and returns the level and whether the
// bracket was complete; it consumes nothing when it was not.
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

// longBody reads up to and including the closing bracket; false at the end
// of the input.
func (l *lexer) longBody(level int) bool {
	for l.i < len(l.src) {
		if l.src[l.i] == ']' {
			k := 1
			for l.peek(k) == '=' {
				k++
			}
			if k-1 == level && l.peek(k) == ']' {
				l.advance(k + 1)
				return true
			}
		}
		l.advance(1)
	}
	return false
}

// shortString reads a quoted string; an escaped byte, a line break
// included, never ends it.
func (l *lexer) shortString(quote byte) {
	l.advance(1)
	for l.i < len(l.src) {
		switch c := l.src[l.i]; {
		case c == quote:
			l.advance(1)
			return
		case c == '\n':
			l.stop = true
			return
		case c == '\\':
			l.advance(2)
		default:
			l.advance(1)
		}
	}
	l.stop = true
}

func isDigit(c byte) bool    { return '0' <= c && c <= '9' }
func isNameByte(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// luaKeywords are Lua 5.1's reserved words.
var luaKeywords = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true,
	"false": true, "for": true, "function": true, "if": true, "in": true, "local": true,
	"nil": true, "not": true, "or": true, "repeat": true, "return": true, "then": true,
	"true": true, "until": true, "while": true,
}

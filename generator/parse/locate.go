package parse

import (
	"bytes"
	"sort"
	"strings"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/model"
)

// header is where the --[[luagen ... ]] comment sits in a file.
type header struct {
	opener model.Pos // the "--" of the opener
	// yaml is the text between the opener line and the closing bracket.
	// Its first line is file line opener.Line+1, and its columns are the
	// file's columns, so YAML positions map to file positions by a line
	// offset alone.
	yaml []byte
}

// source is a file being read, with its line starts for positions.
type source struct {
	file  string
	src   []byte
	lines []int // byte offset of each line's start
}

func newSource(file string, src []byte) *source {
	s := &source{file: file, src: src, lines: []int{0}}
	for i, c := range src {
		if c == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// pos returns the 1-based line and byte column of offset off.
func (s *source) pos(off int) model.Pos {
	// The first line starting after off is the one after off's line.
	line := sort.SearchInts(s.lines, off+1)
	return model.Pos{Line: line, Col: off - s.lines[line-1] + 1}
}

// lineText returns the text of 1-based line n without its line break.
func (s *source) lineText(n int) []byte {
	if n < 1 || n > len(s.lines) {
		return nil
	}
	start, end := s.lines[n-1], len(s.src)
	if n < len(s.lines) {
		end = s.lines[n] - 1
	}
	return bytes.TrimSuffix(s.src[start:end], []byte("\r"))
}

// shebang returns the first line when it starts with "#!".
func (s *source) shebang() string {
	if !bytes.HasPrefix(s.src, []byte("#!")) {
		return ""
	}
	return string(s.lineText(1))
}

// locate finds the header: the first --[[luagen long comment, which must
// come before any code, after the optional shebang line. It returns nil and
// a finding when there is no usable header.
func (s *source) locate() (*header, diag.List) {
	src := s.src
	i := 0
	if bytes.HasPrefix(src, []byte("\xEF\xBB\xBF")) {
		i = 3 // a byte order mark; the body check reports it
	}
	if bytes.HasPrefix(src, []byte("#!")) {
		i = len(src)
		if nl := bytes.IndexByte(src, '\n'); nl >= 0 {
			i = nl + 1
		}
	}
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v':
			i++
		case bytes.HasPrefix(src[i:], []byte("--")):
			level, body := longBracket(src, i+2)
			if level < 0 {
				i = lineEnd(src, i) // a line comment
				continue
			}
			if bytes.HasPrefix(src[body:], []byte("luagen")) && !isIdentByte(at(src, body+6)) {
				return s.header(i, level, body+6)
			}
			if bytes.HasPrefix(bytes.TrimLeft(src[body:], " \t"), []byte("luagen")) {
				return nil, diag.List{s.errorAt(s.pos(i), "write the header opener as --[%s[luagen, with no space before luagen", strings.Repeat("=", level))}
			}
			end := closeBracket(src, body, level)
			if end < 0 {
				return nil, diag.List{s.errorAt(s.pos(i), "long comment is never closed; end it with ]%s]", strings.Repeat("=", level))}
			}
			i = end
		case c == '#' && at(src, i+1) == '!' && s.pos(i).Col == 1:
			// A misplaced shebang; the body check reports it, so keep
			// looking for the header past it.
			i = lineEnd(src, i)
		default:
			return nil, s.headerAfterCode(i)
		}
	}
	return nil, diag.List{s.errorAt(model.Pos{Line: 1, Col: 1}, "no luagen header; start the file with a --[[luagen ... ]] comment declaring keys, args and returns")}
}

// header reads the header whose opener starts at open; rest is the offset
// just past "luagen".
func (s *source) header(open, level, rest int) (*header, diag.List) {
	src := s.src
	h := &header{opener: s.pos(open)}
	closer := "]" + strings.Repeat("=", level) + "]"
	eol := lineEnd(src, rest)
	tail := bytes.TrimRight(src[rest:eol], " \t\r")
	var yamlStart int
	switch {
	case len(tail) == 0:
		yamlStart = eol
		if yamlStart < len(src) {
			yamlStart++ // past the '\n'
		}
	case bytes.HasPrefix(tail, []byte(closer)):
		yamlStart = rest // an empty header on one line: --[[luagen]]
	default:
		return nil, diag.List{s.errorAt(s.pos(rest), "text after --[%s[luagen on the same line; start the header's YAML on the next line", strings.Repeat("=", level))}
	}
	end := bytes.Index(src[yamlStart:], []byte(closer))
	if end < 0 {
		return nil, diag.List{s.errorAt(h.opener, "the luagen header is never closed; end it with %s on its own line", closer)}
	}
	end += yamlStart
	if yamlStart == rest {
		h.yaml = nil
	} else {
		h.yaml = src[yamlStart:end]
	}
	after := end + len(closer)
	trailing := bytes.TrimLeft(src[after:lineEnd(src, after)], " \t\r")
	if len(trailing) > 0 && !bytes.HasPrefix(trailing, []byte("--")) {
		hint := ""
		if level == 0 {
			hint = "; if the header itself contains ]], open it with --[==[luagen and close it with ]==]"
		}
		return nil, diag.List{s.errorAt(s.pos(end), "code follows the header's closing %s on the same line; start it on the next line%s", closer, hint)}
	}
	return h, nil
}

// headerAfterCode explains a missing header: either there is none, or it
// comes after code at offset code, which Redis allows but luagen does not,
// so that the header is always the first thing a reader sees.
func (s *source) headerAfterCode(code int) diag.List {
	codePos := s.pos(code)
	for n := codePos.Line; n <= len(s.lines); n++ {
		text := bytes.TrimLeft(s.lineText(n), " \t")
		if !bytes.HasPrefix(text, []byte("--[")) {
			continue
		}
		if level, body := longBracket(text, 2); level >= 0 && bytes.HasPrefix(text[body:], []byte("luagen")) {
			col := len(s.lineText(n)) - len(text) + 1
			return diag.List{s.errorAt(model.Pos{Line: n, Col: col}, "the luagen header must come before any code (code starts at line %d); move it to the top of the file, after any shebang line", codePos.Line)}
		}
	}
	return diag.List{s.errorAt(model.Pos{Line: 1, Col: 1}, "no luagen header; start the file with a --[[luagen ... ]] comment declaring keys, args and returns")}
}

func (s *source) errorAt(p model.Pos, format string, args ...any) diag.Diagnostic {
	return diag.Errorf(s.file, p.Line, p.Col, format, args...)
}

// longBracket reports whether src[i:] opens a long bracket "[", "="*, "[".
// It returns the level and the offset just past the opener, or -1.
func longBracket(src []byte, i int) (level, body int) {
	if at(src, i) != '[' {
		return -1, 0
	}
	j := i + 1
	for at(src, j) == '=' {
		j++
	}
	if at(src, j) != '[' {
		return -1, 0
	}
	return j - i - 1, j + 1
}

// closeBracket returns the offset just past the "]" "="*level "]" that
// closes a long bracket whose body starts at from, or -1.
func closeBracket(src []byte, from, level int) int {
	closer := "]" + strings.Repeat("=", level) + "]"
	i := bytes.Index(src[from:], []byte(closer))
	if i < 0 {
		return -1
	}
	return from + i + len(closer)
}

// lineEnd returns the offset of the '\n' ending the line holding i, or
// len(src).
func lineEnd(src []byte, i int) int {
	if i >= len(src) {
		return len(src)
	}
	if nl := bytes.IndexByte(src[i:], '\n'); nl >= 0 {
		return i + nl
	}
	return len(src)
}

func at(src []byte, i int) byte {
	if i < 0 || i >= len(src) {
		return 0
	}
	return src[i]
}

func isIdentByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

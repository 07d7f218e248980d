package parse

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/luasrc"
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

// locate finds the header: the first --[[luagen long comment, which must
// come before any code, after the optional shebang line. It reads the
// comments and tokens of the prepared source. It returns nil and a finding
// when there is no usable header.
func locate(f *luasrc.File) (*header, diag.List) {
	code := firstCode(f)
	for _, c := range f.Comments {
		if code != nil && c.Offset > code.Offset {
			break
		}
		if !c.Long() || misplacedShebangLine(f, c.Line) {
			continue
		}
		body := c.Body()
		if strings.HasPrefix(body, "luagen") && !isIdentByte(at(body, 6)) {
			return readHeader(f, c)
		}
		if strings.HasPrefix(strings.TrimLeft(body, " \t"), "luagen") {
			return nil, diag.List{f.Errorf(c.Line, c.Col, diag.Header, "write the header opener as --[%s[luagen, with no space before luagen", strings.Repeat("=", c.Level))}
		}
		if c.Unclosed {
			return nil, diag.List{f.Errorf(c.Line, c.Col, diag.Header, "long comment is never closed; end it with ]%s]", strings.Repeat("=", c.Level))}
		}
	}
	if code != nil {
		return nil, headerAfterCode(f, code)
	}
	return nil, diag.List{noHeader(f)}
}

// firstCode returns the first token that is code: not a byte order mark
// (the body check reports it) and not on a misplaced shebang line (the
// body check reports that too, and the header may still follow).
func firstCode(f *luasrc.File) *luasrc.Token {
	bom := 0
	if bytes.HasPrefix(f.Text, []byte("\xEF\xBB\xBF")) {
		bom = 3
	}
	for i := range f.Tokens {
		t := &f.Tokens[i]
		if t.Offset >= bom && !misplacedShebangLine(f, t.Line) {
			return t
		}
	}
	return nil
}

// misplacedShebangLine reports whether line starts with "#!" (line 1's
// shebang is blanked in the prepared text).
func misplacedShebangLine(f *luasrc.File, line int) bool {
	return bytes.HasPrefix(f.LineText(line), []byte("#!"))
}

// readHeader reads the header comment c.
func readHeader(f *luasrc.File, c luasrc.Comment) (*header, diag.List) {
	src := f.Text
	h := &header{opener: model.Pos{Line: c.Line, Col: c.Col}}
	level := strings.Repeat("=", c.Level)
	closer := "]" + level + "]"
	rest := c.Offset + len("--[[luagen") + c.Level // just past "luagen"
	eol := lineEnd(src, rest)
	tail := bytes.TrimRight(src[rest:eol], " \t\r")
	var yamlStart int
	switch {
	case len(tail) == 0:
		yamlStart = min(eol+1, len(src)) // past the '\n'
	case bytes.HasPrefix(tail, []byte(closer)):
		yamlStart = rest // an empty header on one line: --[[luagen]]
	default:
		line, col := f.Pos(rest)
		return nil, diag.List{f.Errorf(line, col, diag.Header, "text after --[%s[luagen on the same line; start the header's YAML on the next line", level)}
	}
	if c.Unclosed {
		return nil, diag.List{f.Errorf(c.Line, c.Col, diag.Header, "the luagen header is never closed; end it with %s on its own line", closer)}
	}
	end := c.End - len(closer)
	if yamlStart != rest {
		h.yaml = src[yamlStart:end]
	}
	trailing := bytes.TrimLeft(src[c.End:lineEnd(src, c.End)], " \t\r")
	if len(trailing) > 0 && !bytes.HasPrefix(trailing, []byte("--")) {
		hint := ""
		if c.Level == 0 {
			hint = "; if the header itself contains ]], open it with --[==[luagen and close it with ]==]"
		}
		line, col := f.Pos(end)
		return nil, diag.List{f.Errorf(line, col, diag.Header, "code follows the header's closing %s on the same line; start it on the next line%s", closer, hint)}
	}
	return h, nil
}

// headerAfterCode explains a missing header: either there is none, or it
// comes after code, which Redis allows but luagen does not, so that the
// header is always the first thing a reader sees.
func headerAfterCode(f *luasrc.File, code *luasrc.Token) diag.List {
	for _, c := range f.Comments {
		if c.Offset > code.Offset && c.Long() && strings.HasPrefix(c.Body(), "luagen") {
			return diag.List{f.Errorf(c.Line, c.Col, diag.Header, "the luagen header must come before any code (code starts at line %d); move it to the top of the file, after any shebang line", code.Line)}
		}
	}
	return diag.List{noHeader(f)}
}

func noHeader(f *luasrc.File) diag.Diagnostic {
	return f.Errorf(1, 1, diag.Header, "no luagen header; start the file with a --[[luagen ... ]] comment declaring keys, args and returns")
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

func at(s string, i int) byte {
	if i < 0 || i >= len(s) {
		return 0
	}
	return s[i]
}

func isIdentByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// headerOpener is the start of a luagen header, however badly placed or
// spaced.
var headerOpener = regexp.MustCompile(`--\[=*\[[ \t]*luagen`)

// HasHeader reports whether src has something meant as a luagen header,
// well formed or not: a file without one is only an include (when another
// script includes it) or one for luagen annotate to annotate.
func HasHeader(src []byte) bool {
	return headerOpener.Match(src)
}

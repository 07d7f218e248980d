package emit

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"
)

// docLines splits user-written text (a header's doc:) into comment lines
// that are safe to put after "//": no carriage returns, no control
// characters or invalid UTF-8 (which the Go scanner rejects), no trailing
// blanks, and no leading or trailing empty lines.
func docLines(text string) []string {
	text = strings.ToValidUTF8(text, "\uFFFD")
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, l := range lines {
		l = strings.Map(func(r rune) rune {
			if r == '\t' {
				return r
			}
			if unicode.IsControl(r) || r == '\uFEFF' {
				return ' '
			}
			return r
		}, l)
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// oneLine folds text into a single comment-safe line, for list items.
func oneLine(text string) string {
	return strings.Join(strings.Fields(strings.Join(docLines(text), " ")), " ")
}

// sentence makes doc text start with name, the way Go doc comments do:
// "Takes n tokens" becomes "TakeTokens takes n tokens". Text that already
// starts with the name is kept; a first word that looks like an initialism
// ("HTTP", "SHA1") keeps its case.
func sentence(name string, lines []string) []string {
	if len(lines) == 0 {
		return nil
	}
	first := lines[0]
	if first == name || strings.HasPrefix(first, name+" ") {
		return lines
	}
	out := append([]string(nil), lines...)
	r, size := utf8.DecodeRuneInString(first)
	next, _ := utf8.DecodeRuneInString(first[size:])
	if unicode.IsUpper(r) && !unicode.IsUpper(next) && !unicode.IsDigit(next) {
		first = string(unicode.ToLower(r)) + first[size:]
	}
	out[0] = name + " " + first
	return out
}

// comments renders lines as // comments, each followed by a newline, ready
// to prefix a declaration. Lines are passed pre-slashed so jennifer never
// switches to /* */ style, which a "*/" in user text would break.
func comments(lines ...string) *jen.Statement {
	s := jen.Null()
	for _, l := range lines {
		if l == "" {
			s.Comment("//").Line()
			continue
		}
		s.Comment("// " + l).Line()
	}
	return s
}

package emit

import (
	"go/doc/comment"
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

// docComment renders lines as the doc comment of a top-level declaration.
func docComment(lines ...string) *jen.Statement {
	s := jen.Null()
	for _, l := range slashedDoc(lines) {
		s.Comment(l).Line()
	}
	return s
}

// slashedDoc is the doc comment of lines, long lines wrapped, slashed in the
// form gofmt gives doc comments (go/doc/comment), so that formatting the
// file once is final. gofmt reformats a doc comment only where it abuts its
// declaration, which it rarely does in the unformatted source jennifer
// writes: left to gofmt, user text holding lists or code blocks would change
// again on a second pass.
func slashedDoc(lines []string) []string {
	lines = wrapProse(0, lines)
	if !plainText(lines) {
		var text strings.Builder
		for _, l := range lines {
			text.WriteString(l)
			text.WriteByte('\n')
		}
		var p comment.Parser
		var pr comment.Printer
		lines = strings.Split(strings.TrimSuffix(string(pr.Comment(p.Parse(text.String()))), "\n"), "\n")
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		switch {
		case l == "":
			out[i] = "//"
		case strings.HasPrefix(l, "\t"):
			out[i] = "//" + l // a code block's tab needs no space
		default:
			out[i] = "// " + l
		}
	}
	return out
}

// plainText reports whether lines are one paragraph that go/doc/comment
// prints back unchanged, which spares parsing it: no blank line (which
// could set off a heading), nothing that starts a code block, list, heading
// or link definition, and no doubled backquote or single quote (printed
// as curly quotes).
func plainText(lines []string) bool {
	for _, l := range lines {
		if l == "" || strings.ContainsAny(l[:1], " \t#[") || strings.Contains(l, "``") || strings.Contains(l, "''") {
			return false
		}
	}
	return true
}

// memberDoc renders lines as the comment of a struct field or interface
// method, long lines wrapped. gofmt leaves indented comments as they are.
func memberDoc(lines ...string) *jen.Statement {
	return comments(wrapProse(1, lines)...)
}

// wrapProse breaks the paragraph lines and list items among lines that are
// wider than maxWidth once slashed and indented depth tabs, at spaces.
// A list item continues indented to its text, as gofmt prints lists; code
// blocks (other indented lines) and headings are left whole.
func wrapProse(depth int, lines []string) []string {
	width := maxWidth - depth*tabWidth - len("// ")
	var out []string
	for _, l := range lines {
		if cols(l) <= width || strings.HasPrefix(l, "#") {
			out = append(out, l)
			continue
		}
		prefix, text, cont := "", l, ""
		if trimmed := strings.TrimLeft(l, " \t"); trimmed != l {
			if !listItem(trimmed) {
				out = append(out, l)
				continue
			}
			marker, rest, _ := strings.Cut(trimmed, " ")
			prefix, text, cont = l[:len(l)-len(trimmed)]+marker+" ", rest, "    "
		}
		line, empty := prefix, true
		for _, word := range strings.FieldsFunc(text, func(r rune) bool { return r == ' ' }) {
			if !empty && cols(line)+1+cols(word) > width {
				out = append(out, line)
				line, empty = cont, true
			}
			if !empty {
				line += " "
			}
			line += word
			empty = false
		}
		out = append(out, line)
	}
	return out
}

// listItem reports whether an indented comment line starts a list item: a
// bullet (-, *, +, •) or a number followed by . or ), then a blank.
func listItem(s string) bool {
	marker, rest, ok := strings.Cut(s, " ")
	if !ok || strings.TrimSpace(rest) == "" {
		return false
	}
	switch marker {
	case "-", "*", "+", "•":
		return true
	}
	n := strings.TrimRight(marker, ".)")
	if len(n) != len(marker)-1 || n == "" {
		return false
	}
	for _, r := range n {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
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

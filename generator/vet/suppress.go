package vet

import (
	"bytes"
	"slices"
	"strings"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/luasrc"
)

// directivePrefix starts a suppression in a Lua comment:
//
//	-- luagen:ignore <check-name>[,<check-name>...] <reason>
const directivePrefix = "luagen:ignore"

type directive struct {
	line, col int // in the script as prepared (flattened)
	// file and fileLine are where it is written: in the script or in a
	// file the script includes.
	file     string
	fileLine int
	ownLine  bool // nothing but comment markers before it on its line
	checks   []diag.Check
	used     []bool
}

// Suppress applies the luagen:ignore comments of the script f, and of the
// files it includes, to diags, which may hold findings about other files
// too. A comment after code
// silences the named checks' findings on its line; a comment alone on its
// line silences them on the next line, and one alone on line 2 also
// silences the shebang's on line 1. In the luagen header, a YAML comment
// works the same way. Only checks marked Ignorable in diag.Checks can be
// silenced. Malformed comments and, when
// complete (every check of the script ran), comments that silence nothing
// come back as warnings (check "ignore"). The result is sorted.
func Suppress(f *luasrc.File, diags diag.List, complete bool) diag.List {
	if !bytes.Contains(f.Src, []byte(directivePrefix)) {
		out := slices.Clone(diags)
		out.Sort()
		return out
	}
	var dirs []*directive
	var out diag.List
	warn := func(line, col int, format string, args ...any) {
		out = append(out, f.Warnf(line, col, diag.IgnoreDirective, format, args...))
	}
	for _, c := range f.Comments {
		for line, text := range commentLines(c) {
			at := strings.Index(text.text, directivePrefix)
			if at < 0 {
				continue
			}
			col := text.col + at
			if d := parseDirective(f, line, col, text.text[at+len(directivePrefix):], warn); d != nil {
				dirs = append(dirs, d)
			}
		}
	}
	for _, d := range diags {
		if !f.Owns(d.File) || !silenced(dirs, d) {
			out = append(out, d)
		}
	}
	if complete {
		for _, d := range dirs {
			for i, name := range d.checks {
				if !d.used[i] {
					where := "on this line"
					if d.ownLine {
						where = "on the next line"
					}
					warn(d.line, d.col, "luagen:ignore %s silences nothing: no %s finding %s; remove the comment", name, name, where)
				}
			}
		}
	}
	out.Sort()
	return out
}

// parseDirective reads the directive at line and col, whose text after
// "luagen:ignore" is rest. It returns nil for text that is not a directive
// (luagen:ignored) or names nothing.
func parseDirective(f *luasrc.File, line, col int, rest string, warn func(line, col int, format string, args ...any)) *directive {
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return nil // luagen:ignored, or the like: not a directive
	}
	fields := strings.Fields(strings.TrimSuffix(strings.TrimSpace(rest), "]]"))
	if len(fields) == 0 {
		warn(line, col, "luagen:ignore needs a check name and a reason: -- luagen:ignore <check-name> <reason>")
		return nil
	}
	before := f.LineText(line)
	before = before[:min(col-1, len(before))]
	d := &directive{line: line, col: col, ownLine: strings.Trim(string(before), " \t-[=]#") == ""}
	d.file, d.fileLine = f.Origin(line)
	for _, name := range strings.Split(fields[0], ",") {
		switch c, known := diag.Lookup(name); {
		case known && c.Ignorable:
			d.checks = append(d.checks, c.Name)
		case known && c.Locked != "":
			warn(line, col, "%s cannot be ignored: %s", name, c.Locked)
		case known:
			warn(line, col, "%s cannot be ignored: it is about luagen:ignore comments themselves; fix the comment, or turn the check off in luagen.yaml (checks: {%s: off})", name, name)
		default:
			ignorable := ignorableChecks()
			if hint := diag.Suggest(name, ignorable); hint != "" {
				warn(line, col, "luagen:ignore names an unknown check %q%s", name, diag.DidYouMean(hint))
			} else {
				warn(line, col, "luagen:ignore names an unknown check %q; checks: %s", name, strings.Join(ignorable, ", "))
			}
		}
	}
	if len(fields) < 2 {
		warn(line, col, "luagen:ignore %s needs a reason after the check name, for the next reader", fields[0])
	}
	d.used = make([]bool, len(d.checks))
	return d
}

// commentLine is one line of a comment's text.
type commentLine struct {
	text string
	col  int
}

// commentLines yields each line of c, by file line: a long comment spans
// several.
func commentLines(c luasrc.Comment) func(yield func(int, commentLine) bool) {
	return func(yield func(int, commentLine) bool) {
		line, col := c.Line, c.Col
		for text := range strings.SplitSeq(c.Text, "\n") {
			if !yield(line, commentLine{text, col}) {
				return
			}
			line, col = line+1, 1
		}
	}
}

// ignorableChecks are the names a luagen:ignore comment may give.
func ignorableChecks() []string {
	var out []string
	for _, c := range diag.Checks {
		if c.Ignorable {
			out = append(out, string(c.Name))
		}
	}
	return out
}

// silenced reports whether a directive covers d, marking the directive
// used.
func silenced(dirs []*directive, d diag.Diagnostic) bool {
	if d.Line == 0 {
		return false
	}
	hit := false
	for _, dir := range dirs {
		// Nothing can go above a shebang, so a directive alone on line 2
		// covers line 1 too.
		shebang := dir.ownLine && dir.fileLine == 2 && d.Line == 1
		if d.File != dir.file || d.Line != dir.fileLine && !(dir.ownLine && d.Line == dir.fileLine+1) && !shebang {
			continue
		}
		for i, name := range dir.checks {
			if name == d.Check {
				dir.used[i] = true
				hit = true
			}
		}
	}
	return hit
}

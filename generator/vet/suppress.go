package vet

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/luagen/luagen/generator/check"
	"github.com/luagen/luagen/generator/diag"
)

// directivePrefix starts a suppression in a Lua comment:
//
//	-- luagen:ignore <check-name>[,<check-name>...] <reason>
const directivePrefix = "luagen:ignore"

// Checks are the names a luagen:ignore comment may silence: generator/check's
// generate-time checks and vet's.
var Checks = []string{
	check.Syntax, check.KeysIndex, check.ArgvIndex, check.UnusedKey, check.UnusedArg, check.Goto,
	Shebang, KeyNotFromKeys, WriteInReadonly, UnknownCommand, CommandArity, NoscriptCommand,
	GlobalWrite, UndefinedGlobal, DynamicKeysIndex,
}

// unsuppressible are findings about a script Redis will not load at all:
// silencing them would only move the error to run time. Shebang errors
// are not silenced either, though its no-cluster warning is.
var unsuppressible = []string{check.Syntax, check.Goto}

type directive struct {
	line, col int
	ownLine   bool // nothing but comment markers before it on its line
	checks    []string
	used      []bool
}

// Suppress applies the luagen:ignore comments of the script file with
// contents src to diags, which may hold findings about other files too. A
// comment after code silences the named checks' findings on its line; a
// comment alone on its line silences them on the next line, and one alone
// on line 2 also silences the shebang's on line 1. In the luagen header, a
// YAML comment works the same way. Malformed comments and, when
// the script's checks all ran, comments that silence nothing come back as
// warnings (check "ignore"). The result is sorted.
func Suppress(file string, src []byte, diags diag.List) diag.List {
	if !bytes.Contains(src, []byte(directivePrefix)) {
		out := slices.Clone(diags)
		out.Sort()
		return out
	}
	s := newSource(file, src)
	var dirs []*directive
	var out diag.List
	warn := func(line, col int, format string, args ...any) {
		out = append(out, diag.Diagnostic{File: file, Line: line, Col: col, Severity: diag.Warning, Check: IgnoreDirective, Msg: fmt.Sprintf(format, args...)})
	}
	for _, c := range s.comments {
		at := strings.Index(c.Text, directivePrefix)
		if at < 0 {
			continue
		}
		col := c.Col + at
		rest := c.Text[at+len(directivePrefix):]
		if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
			continue // luagen:ignored, or the like: not a directive
		}
		fields := strings.Fields(strings.TrimSuffix(strings.TrimSpace(rest), "]]"))
		if len(fields) == 0 {
			warn(c.Line, col, "luagen:ignore needs a check name and a reason: -- luagen:ignore <check-name> <reason>")
			continue
		}
		before := s.lineText(c.Line)
		before = before[:min(col-1, len(before))]
		d := &directive{line: c.Line, col: col, ownLine: strings.Trim(before, " \t-[=]#") == ""}
		for _, name := range strings.Split(fields[0], ",") {
			switch {
			case slices.Contains(unsuppressible, name):
				warn(c.Line, col, "%s cannot be ignored: Redis would refuse to load the script", name)
			case slices.Contains(Checks, name):
				d.checks = append(d.checks, name)
			default:
				msg := fmt.Sprintf("luagen:ignore names an unknown check %q; checks: %s", name, strings.Join(Checks, ", "))
				if hint := diag.Suggest(name, Checks); hint != "" {
					msg = fmt.Sprintf("luagen:ignore names an unknown check %q (did you mean %s?)", name, hint)
				}
				warn(c.Line, col, "%s", msg)
			}
		}
		if len(fields) < 2 {
			warn(c.Line, col, "luagen:ignore %s needs a reason after the check name, for the next reader", fields[0])
		}
		d.used = make([]bool, len(d.checks))
		dirs = append(dirs, d)
	}
	// Header and shebang errors stop the body checks (generator.Load keeps
	// only syntax and goto findings then), and a syntax error stops them all: an
	// unused directive then means nothing.
	complete := true
	for _, d := range diags {
		if d.File == file && d.Severity == diag.Error && (d.Check == "" || d.Check == check.Syntax || d.Check == Shebang) {
			complete = false
		}
	}
	for _, d := range diags {
		if d.File != file || !silenced(dirs, d) {
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

// silenced reports whether a directive covers d, marking the directive
// used.
func silenced(dirs []*directive, d diag.Diagnostic) bool {
	if d.Check == "" || d.Line == 0 || d.Check == Shebang && d.Severity == diag.Error {
		return false // shebang errors: Redis would not load or run the script
	}
	hit := false
	for _, dir := range dirs {
		// Nothing can go above a shebang, so a directive alone on line 2
		// covers line 1 too.
		shebang := dir.ownLine && dir.line == 2 && d.Line == 1
		if d.Line != dir.line && !(dir.ownLine && d.Line == dir.line+1) && !shebang {
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

// Package diag holds the findings luagen reports about configs and scripts:
// errors that stop generation and warnings that do not, each pointing at a
// file, line and column.
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Severity says whether a finding stops generation.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one finding. Line and Col are 1-based; 0 means unknown
// (a finding about a whole file or folder).
type Diagnostic struct {
	File     string // slash-separated path relative to the directory luagen runs in
	Line     int
	Col      int
	Severity Severity
	// Check is a stable name for the kind of finding ("lua-syntax",
	// "unused-key", ...), used by vet output and suppressions. May be "".
	Check string
	Msg   string
}

// String formats the finding the way compilers do:
// "file.lua:3:7: message" for errors and "file.lua:3:7: warning: message" for warnings.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
		if d.Col > 0 {
			fmt.Fprintf(&b, ":%d", d.Col)
		}
	}
	b.WriteString(": ")
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Msg)
	return b.String()
}

// Errorf makes an error finding.
func Errorf(file string, line, col int, format string, args ...any) Diagnostic {
	return Diagnostic{File: file, Line: line, Col: col, Severity: Error, Msg: fmt.Sprintf(format, args...)}
}

// Warnf makes a warning finding.
func Warnf(file string, line, col int, format string, args ...any) Diagnostic {
	return Diagnostic{File: file, Line: line, Col: col, Severity: Warning, Msg: fmt.Sprintf(format, args...)}
}

// List is a set of findings.
type List []Diagnostic

// HasErrors reports whether any finding is an error.
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Sort orders findings by file, line, column, then message, so output is
// deterministic.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Msg < b.Msg
	})
}

// Error lets a List be returned as an error: one finding per line.
func (l List) Error() string {
	s := make([]string, len(l))
	for i, d := range l {
		s[i] = d.String()
	}
	return strings.Join(s, "\n")
}

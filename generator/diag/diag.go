// Package diag holds the findings luagen reports about configs and scripts:
// errors that stop generation and warnings that do not, each pointing at a
// file, line and column and named by the check that made it (checks.go
// lists them all). Every command prints findings through String or JSON,
// so they read the same everywhere.
package diag

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Severity says whether a finding stops generation.
type Severity int

const (
	Error Severity = iota
	Warning
	// Off is a level luagen.yaml may give a check: its findings are
	// dropped. No Diagnostic has it.
	Off
)

// Levels are the severities luagen.yaml's checks: may name, in order.
var Levels = []string{"error", "warning", "off"}

func (s Severity) String() string {
	switch s {
	case Warning:
		return "warning"
	case Off:
		return "off"
	}
	return "error"
}

// ParseSeverity reads a level as luagen.yaml writes it: error, warning or
// off.
func ParseSeverity(s string) (Severity, bool) {
	switch s {
	case "error":
		return Error, true
	case "warning":
		return Warning, true
	case "off":
		return Off, true
	}
	return 0, false
}

// Diagnostic is one finding. Line and Col are 1-based; 0 means unknown
// (a finding about a whole file or folder).
type Diagnostic struct {
	File     string // slash-separated path relative to the directory luagen runs in
	Line     int
	Col      int
	Severity Severity
	Check    Check // which rule made the finding; never ""
	Msg      string
	// Via is the chain of @include lines that brought File into the
	// script the finding is about, from the script down: set only for a
	// finding inside an included file.
	Via []Site
}

// Site is a line of a file: an @include line in Diagnostic.Via.
type Site struct {
	File string
	Line int
}

func (s Site) String() string { return fmt.Sprintf("%s:%d", s.File, s.Line) }

// Errorf makes an error finding of check.
func Errorf(file string, line, col int, check Check, format string, args ...any) Diagnostic {
	return Diagnostic{File: file, Line: line, Col: col, Severity: Error, Check: check, Msg: fmt.Sprintf(format, args...)}
}

// Warnf makes a warning finding of check.
func Warnf(file string, line, col int, check Check, format string, args ...any) Diagnostic {
	return Diagnostic{File: file, Line: line, Col: col, Severity: Warning, Check: check, Msg: fmt.Sprintf(format, args...)}
}

// String formats the finding as every luagen command prints it:
//
//	file.lua:3:7: check-name: message
//	file.lua:3:7: check-name: warning: message
//	includes/x.lua:3:7: check-name: message (included from a.lua:4 → includes/y.lua:2)
//
// The check name is what a luagen:ignore comment names.
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
	if d.Check != "" {
		b.WriteString(string(d.Check))
		b.WriteString(": ")
	}
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Msg)
	if len(d.Via) > 0 {
		b.WriteString(" (included from ")
		for i, s := range d.Via {
			if i > 0 {
				b.WriteString(" → ")
			}
			b.WriteString(s.String())
		}
		b.WriteString(")")
	}
	return b.String()
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

// Count returns how many findings have severity sev.
func (l List) Count(sev Severity) int {
	n := 0
	for _, d := range l {
		if d.Severity == sev {
			n++
		}
	}
	return n
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
		if a.Msg != b.Msg {
			return a.Msg < b.Msg
		}
		return viaLess(a.Via, b.Via)
	})
}

func viaLess(a, b []Site) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i].File != b[i].File {
				return a[i].File < b[i].File
			}
			return a[i].Line < b[i].Line
		}
	}
	return len(a) < len(b)
}

// Dedup drops findings that repeat an earlier one but for Via: a finding
// inside a file that several scripts include is reported once, under the
// first script. l must be sorted.
func (l List) Dedup() List {
	out := l[:0:0]
	for _, d := range l {
		if n := len(out); n > 0 && len(d.Via) > 0 {
			p := out[n-1]
			if p.File == d.File && p.Line == d.Line && p.Col == d.Col && p.Check == d.Check && p.Msg == d.Msg && p.Severity == d.Severity {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}

// Error lets a List be returned as an error: one finding per line.
func (l List) Error() string {
	s := make([]string, len(l))
	for i, d := range l {
		s[i] = d.String()
	}
	return strings.Join(s, "\n")
}

// jsonFinding is one finding as JSON prints it.
type jsonFinding struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Severity string `json:"severity"` // "error" or "warning"
	Check    string `json:"check"`
	Message  string `json:"message"`
	// IncludedFrom is Via, for a finding inside an included file.
	IncludedFrom []jsonSite `json:"included_from,omitempty"`
}

type jsonSite struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// JSON encodes the findings as luagen vet -json prints them: an array
// (empty, not null, when there are none) of {file, line, col, severity,
// check, message}, plus included_from ([{file, line}], from the script
// down) for a finding inside an included file, indented, with a final
// newline.
func (l List) JSON() []byte {
	out := make([]jsonFinding, 0, len(l))
	for _, d := range l {
		j := jsonFinding{File: d.File, Line: d.Line, Col: d.Col, Severity: d.Severity.String(), Check: string(d.Check), Message: d.Msg}
		for _, s := range d.Via {
			j.IncludedFrom = append(j.IncludedFrom, jsonSite(s))
		}
		out = append(out, j)
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		panic(err) // strings and ints always encode
	}
	return append(data, '\n')
}

package vet

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/luagen/luagen/generator/diag"
)

// Format writes a finding the way luagen vet prints it:
//
//	file.lua:LINE:COL: check-name: message
//
// with "warning: " before the message of a warning. A finding without a
// check name (about the config or a header) is printed without one.
func Format(d diag.Diagnostic) string {
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
		b.WriteString(d.Check)
		b.WriteString(": ")
	}
	if d.Severity == diag.Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Msg)
	return b.String()
}

// jsonFinding is one finding in luagen vet -json output.
type jsonFinding struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Severity string `json:"severity"` // "error" or "warning"
	Check    string `json:"check"`
	Message  string `json:"message"`
}

// JSON encodes findings as luagen vet -json prints them: an array (empty,
// not null, when there are none) of {file, line, col, severity, check,
// message}, indented, with a final newline.
func JSON(diags diag.List) []byte {
	out := make([]jsonFinding, 0, len(diags))
	for _, d := range diags {
		out = append(out, jsonFinding{File: d.File, Line: d.Line, Col: d.Col, Severity: d.Severity.String(), Check: d.Check, Message: d.Msg})
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		panic(err) // strings and ints always encode
	}
	return append(data, '\n')
}

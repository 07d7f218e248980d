// Package yamlnode reads the YAML luagen users write — luagen.yaml and the
// headers of scripts — as yaml.v3 node trees walked by hand, rather than
// decoded into structs, so that every finding gets a file line and column
// and all of them are reported, not just the first.
package yamlnode

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/luagen/luagen/generator/diag"
)

// Decoder collects the findings about one YAML document.
type Decoder struct {
	File  string     // names the file in findings
	Lines diag.Lines // the whole file's lines, for byte columns
	// Base is the file line just before the YAML text's first line: a
	// header's opener line, or 0 when the YAML is the whole file.
	Base int
	// Doc names the document in messages: "the config", "the luagen header".
	Doc string
	// Syntax and Field are the checks of unreadable YAML and of fields
	// that are unknown, set twice or aliased.
	Syntax, Field diag.Check
	Diags         diag.List
}

// yamlLine pulls the line out of yaml.v3's error text; yaml.v3 reports no
// column.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Decode parses text as one YAML document. It returns the root node, nil
// and true for an empty document, and false (with a finding) for YAML that
// cannot be read.
func (d *Decoder) Decode(text []byte) (root *yaml.Node, ok bool) {
	defer func() {
		// yaml.v3 has panicked on hostile input before; bad YAML must be
		// a finding, never a crash.
		if r := recover(); r != nil {
			d.ErrorfLine(1, d.Syntax, "invalid YAML in %s: %v", d.Doc, r)
			root, ok = nil, false
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, true
		}
		d.yamlError(text, err)
		return nil, false
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		d.yamlError(text, err)
		return nil, false
	default:
		d.ErrorfLine(next.Line, d.Syntax, "%s holds more than one YAML document; remove the ---", d.Doc)
		return nil, false
	}
	if len(doc.Content) == 0 {
		return nil, true
	}
	return doc.Content[0], true
}

func (d *Decoder) yamlError(text []byte, err error) {
	line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if bytes.Contains(text, []byte("\n\t")) || bytes.HasPrefix(text, []byte("\t")) {
		msg += " (indent YAML with spaces, not tabs)"
	}
	d.ErrorfLine(line, d.Syntax, "invalid YAML in %s: %s", d.Doc, msg)
}

// ErrorfLine adds an error finding of check about a whole line of the
// YAML text, yaml.v3 giving no column.
func (d *Decoder) ErrorfLine(yamlLine int, check diag.Check, format string, args ...any) {
	d.Diags = append(d.Diags, diag.Errorf(d.File, d.Base+yamlLine, 0, check, format, args...))
}

// Fields returns a mapping's values by key. Keys outside allowed, keys set
// twice and aliased values are findings; what names the mapping in
// messages ("package "). aliases maps common wrong keys to the right one,
// for "did you mean" hints; it may be nil.
func (d *Decoder) Fields(n *yaml.Node, what string, allowed []string, aliases map[string]string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.Errorf(k, d.Field, "%sfield names must be plain words; allowed: %s", what, strings.Join(allowed, ", "))
			continue
		}
		if f, ok := first[k.Value]; ok {
			line, _ := d.Pos(f)
			d.Errorf(k, d.Field, "%sfield %q is set twice (first at line %d)", what, k.Value, line)
			continue
		}
		first[k.Value] = k
		if !contains(allowed, k.Value) {
			d.Errorf(k, d.Field, "unknown %sfield %q; allowed: %s%s", what, k.Value, strings.Join(allowed, ", "),
				diag.DidYouMean(diag.SuggestAlias(k.Value, allowed, aliases)))
			continue
		}
		if v.Kind == yaml.AliasNode {
			d.Errorf(v, d.Field, "YAML aliases are not supported in %s; write the value out", d.Doc)
			continue
		}
		out[k.Value] = v
	}
	return out
}

// Bool returns a true/false scalar's value, and false when n is not one.
func Bool(n *yaml.Node) (value, ok bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&value) != nil {
		return false, false
	}
	return value, true
}

// IsNull reports whether n is null, ~ or an empty value.
func IsNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// Errorf adds an error finding of check at n.
func (d *Decoder) Errorf(n *yaml.Node, check diag.Check, format string, args ...any) {
	line, col := d.Pos(n)
	d.Diags = append(d.Diags, diag.Errorf(d.File, line, col, check, format, args...))
}

// Pos maps a node to its file line and byte column; yaml.v3 counts
// columns in characters.
func (d *Decoder) Pos(n *yaml.Node) (line, col int) {
	line = d.Base + n.Line
	text := d.Lines.LineText(line)
	if n.Line < 1 || text == nil || n.Column < 1 {
		return line, n.Column
	}
	b := 0
	for c := 1; c < n.Column && b < len(text); c++ {
		_, size := utf8.DecodeRune(text[b:])
		b += size
	}
	return line, b + 1
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

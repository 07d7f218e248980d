package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/model"
)

// decoder walks a yaml.Node tree by hand, rather than decoding into
// structs, so that every finding gets a line and a column and all of them
// are reported, not just the first.
type decoder struct {
	file  string
	src   []byte
	lines []int // byte offset of each line's start, built on first use
	diags diag.List
}

// yamlLine pulls the line out of yaml.v3's error text; yaml.v3 reports no
// column.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// decode parses data as one YAML document and returns its root node, or nil
// (with a finding) when that is impossible.
func (d *decoder) decode(data []byte) (root *yaml.Node) {
	defer func() {
		// yaml.v3 has panicked on hostile input before; a bad config must
		// be a finding, never a crash.
		if r := recover(); r != nil {
			d.diags = append(d.diags, diag.Errorf(d.file, 1, 0, "invalid YAML: %v", r))
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.diags = append(d.diags, diag.Errorf(d.file, 1, 0, "config is empty; allowed: version: 1 and a packages: list"))
			return nil
		}
		d.yamlError(err)
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		d.yamlError(err)
		return nil
	default:
		d.diags = append(d.diags, diag.Errorf(d.file, next.Line, 0, "config holds more than one YAML document; allowed: one"))
		return nil
	}
	if len(doc.Content) == 0 {
		d.diags = append(d.diags, diag.Errorf(d.file, 1, 0, "config is empty; allowed: version: 1 and a packages: list"))
		return nil
	}
	return doc.Content[0]
}

func (d *decoder) yamlError(err error) {
	line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	d.diags = append(d.diags, diag.Errorf(d.file, line, 0, "invalid YAML: %s", msg))
}

// fields returns a mapping's values by key. Keys outside allowed and keys
// set twice are findings; what names the mapping in messages ("package ").
func (d *decoder) fields(n *yaml.Node, what string, allowed []string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "%sfield names must be plain words; allowed: %s", what, strings.Join(allowed, ", "))
			continue
		}
		if f, ok := first[k.Value]; ok {
			d.errorf(k, "%sfield %q is set twice (first at line %d)", what, k.Value, f.Line)
			continue
		}
		first[k.Value] = k
		if !contains(allowed, k.Value) {
			msg := fmt.Sprintf("unknown %sfield %q; allowed: %s", what, k.Value, strings.Join(allowed, ", "))
			if s := diag.Suggest(k.Value, allowed); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
			d.errorf(k, "%s", msg)
			continue
		}
		if v.Kind == yaml.AliasNode {
			d.errorf(v, "YAML aliases are not supported in the config; write the value out")
			continue
		}
		out[k.Value] = v
	}
	return out
}

// str returns the named field when it is a non-empty string, reporting it
// as missing (at the mapping) or as the wrong kind of value otherwise.
func (d *decoder) str(fields map[string]*yaml.Node, parent *yaml.Node, key, missing string) *yaml.Node {
	switch v := fields[key]; {
	case v == nil:
		d.errorf(parent, "%s", missing)
	case v.Kind != yaml.ScalarNode:
		d.errorf(v, "%s must be a string", key)
	case isNull(v) || strings.TrimSpace(v.Value) == "":
		d.errorf(v, "%s", missing)
	default:
		return v
	}
	return nil
}

func (d *decoder) boolean(n *yaml.Node) (bool, bool) {
	var b bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
		return false, false
	}
	return b, true
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	p := d.pos(n)
	d.diags = append(d.diags, diag.Errorf(d.file, p.Line, p.Col, format, args...))
}

// pos turns a node's position into a byte column, the way compilers count;
// yaml.v3 counts columns in characters.
func (d *decoder) pos(n *yaml.Node) model.Pos {
	if d.lines == nil {
		d.lines = []int{0}
		for i, c := range d.src {
			if c == '\n' {
				d.lines = append(d.lines, i+1)
			}
		}
	}
	if n.Line < 1 || n.Line > len(d.lines) || n.Column < 1 {
		return model.Pos{Line: n.Line, Col: n.Column}
	}
	text := d.src[d.lines[n.Line-1]:]
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	b := 0
	for c := 1; c < n.Column && b < len(text); c++ {
		_, size := utf8.DecodeRune(text[b:])
		b += size
	}
	return model.Pos{Line: n.Line, Col: b + 1}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

package parse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/model"
)

// decoder walks the header's yaml.Node tree by hand, rather than decoding
// into structs, so every finding gets a file line and column and all of
// them are reported, not just the first.
type decoder struct {
	s *source
	// base is the file line of the header opener; YAML line n is file line
	// base+n.
	base  int
	diags diag.List
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// decode parses the header's YAML. It returns nil and ok for an empty
// header, and ok=false (with a finding) for YAML that cannot be read.
func (d *decoder) decode(text []byte) (root *yaml.Node, ok bool) {
	defer func() {
		// yaml.v3 has panicked on hostile input before; a bad header must
		// be a finding, never a crash.
		if r := recover(); r != nil {
			d.errorAtLine(1, "invalid YAML in the luagen header: %v", r)
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
		d.errorAtLine(next.Line, "the luagen header holds more than one YAML document; remove the ---")
		return nil, false
	}
	if len(doc.Content) == 0 {
		return nil, true
	}
	return doc.Content[0], true
}

func (d *decoder) yamlError(text []byte, err error) {
	line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if bytes.Contains(text, []byte("\n\t")) || bytes.HasPrefix(text, []byte("\t")) {
		msg += " (indent YAML with spaces, not tabs)"
	}
	d.errorAtLine(line, "invalid YAML in the luagen header: %s", msg)
}

func (d *decoder) errorAtLine(yamlLine int, format string, args ...any) {
	d.diags = append(d.diags, diag.Errorf(d.s.file, d.base+yamlLine, 0, format, args...))
}

// fields returns a mapping's values by key. Keys outside allowed and keys
// set twice are findings; what names the mapping in messages ("arg ").
// aliases maps common wrong keys to the right one for "did you mean" hints.
func (d *decoder) fields(n *yaml.Node, what string, allowed []string, aliases map[string]string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "%sfield names must be plain words; allowed: %s", what, strings.Join(allowed, ", "))
			continue
		}
		if f, ok := first[k.Value]; ok {
			d.errorf(k, "%sfield %q is set twice (first at line %d)", what, k.Value, d.pos(f).Line)
			continue
		}
		first[k.Value] = k
		if !contains(allowed, k.Value) {
			msg := fmt.Sprintf("unknown %sfield %q; allowed: %s", what, k.Value, strings.Join(allowed, ", "))
			hint := suggestField(k.Value, allowed, aliases)
			if hint != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", hint)
			}
			d.errorf(k, "%s", msg)
			continue
		}
		if v.Kind == yaml.AliasNode {
			d.errorf(v, "YAML aliases are not supported in luagen headers; write the value out")
			continue
		}
		out[k.Value] = v
	}
	return out
}

// str returns a string field's value; "" when it is absent or null.
func (d *decoder) str(fields map[string]*yaml.Node, key string) string {
	v := fields[key]
	if v == nil || isNull(v) {
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		d.errorf(v, "%s must be a string", key)
		return ""
	}
	return v.Value
}

// boolean returns a true/false field's value; false when it is absent.
func (d *decoder) boolean(fields map[string]*yaml.Node, key string) bool {
	v := fields[key]
	if v == nil || isNull(v) {
		return false
	}
	var b bool
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" || v.Decode(&b) != nil {
		d.errorf(v, "%s must be true or false", key)
		return false
	}
	return b
}

// list returns a sequence field's items; nil when it is absent or null.
func (d *decoder) list(fields map[string]*yaml.Node, key string) []*yaml.Node {
	v := fields[key]
	if v == nil || isNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		d.errorf(v, "%s must be a list", key)
		return nil
	}
	for _, item := range v.Content {
		if item.Kind == yaml.AliasNode {
			d.errorf(item, "YAML aliases are not supported in luagen headers; write the value out")
			return nil
		}
	}
	return v.Content
}

// suggestField finds the allowed field a wrong key most likely means,
// matching near misses of the aliases too ("descripton" → doc).
func suggestField(key string, allowed []string, aliases map[string]string) string {
	candidates := append([]string(nil), allowed...)
	for alias := range aliases {
		candidates = append(candidates, alias)
	}
	sort.Strings(candidates[len(allowed):]) // map order must not leak into hints
	hint := diag.Suggest(key, candidates)
	if target, ok := aliases[hint]; ok {
		return target
	}
	return hint
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	p := d.pos(n)
	d.diags = append(d.diags, diag.Errorf(d.s.file, p.Line, p.Col, format, args...))
}

// pos maps a node to its file position, in byte columns like compilers
// use; yaml.v3 counts columns in characters.
func (d *decoder) pos(n *yaml.Node) model.Pos {
	line := d.base + n.Line
	text := d.s.lineText(line)
	b := 0
	for c := 1; c < n.Column && b < len(text); c++ {
		_, size := utf8.DecodeRune(text[b:])
		b += size
	}
	return model.Pos{Line: line, Col: b + 1}
}

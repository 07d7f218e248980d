package parse

import (
	"gopkg.in/yaml.v3"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/model"
	"github.com/luagen/luagen/generator/yamlnode"
)

// decoder reads the header's YAML: a yamlnode.Decoder with the shapes
// headers use.
type decoder struct {
	yamlnode.Decoder
}

// str returns a string field's value; "" when it is absent or null.
func (d *decoder) str(fields map[string]*yaml.Node, key string) string {
	v := fields[key]
	if v == nil || yamlnode.IsNull(v) {
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		d.Errorf(v, diag.HeaderField, "%s must be a string", key)
		return ""
	}
	return v.Value
}

// boolean returns a true/false field's value; false when it is absent.
func (d *decoder) boolean(fields map[string]*yaml.Node, key string) bool {
	v := fields[key]
	if v == nil || yamlnode.IsNull(v) {
		return false
	}
	b, ok := yamlnode.Bool(v)
	if !ok {
		d.Errorf(v, diag.HeaderField, "%s must be true or false", key)
	}
	return b
}

// list returns a sequence field's items; nil when it is absent or null.
func (d *decoder) list(fields map[string]*yaml.Node, key string) []*yaml.Node {
	v := fields[key]
	if v == nil || yamlnode.IsNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		d.Errorf(v, diag.HeaderField, "%s must be a list", key)
		return nil
	}
	for _, item := range v.Content {
		if item.Kind == yaml.AliasNode {
			d.Errorf(item, diag.HeaderField, "YAML aliases are not supported in %s; write the value out", d.Doc)
			return nil
		}
	}
	return v.Content
}

// pos is a node's position in the file.
func (d *decoder) pos(n *yaml.Node) model.Pos {
	line, col := d.Pos(n)
	return model.Pos{Line: line, Col: col}
}

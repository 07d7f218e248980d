package parse

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/model"
	"github.com/luagen/luagen/generator/yamlnode"
)

var (
	headerFields = []string{"name", "doc", "readonly", "keys", "args", "returns"}
	keyFields    = []string{"name", "doc", "variadic", "prefix", "type"}
	argFields    = []string{"name", "type", "doc", "variadic", "prefix"}
	resultFields = []string{"type", "nullable", "doc", "fields"}
	fieldFields  = []string{"name", "type", "nullable", "doc"}

	headerAliases = map[string]string{
		"key": "keys", "argv": "args", "arg": "args", "arguments": "args", "params": "args",
		"return": "returns", "result": "returns", "results": "returns", "read_only": "readonly",
		"ro": "readonly", "description": "doc", "comment": "doc",
	}
	paramAliases = map[string]string{
		"description": "doc", "comment": "doc", "varargs": "variadic", "rest": "variadic",
		"repeated": "variadic", "multiple": "variadic",
	}
	resultAliases = map[string]string{
		"description": "doc", "comment": "doc", "optional": "nullable", "nil": "nullable",
		"null": "nullable", "nillable": "nullable", "field": "fields", "elements": "fields",
	}
)

// script fills sc from the header: name, doc, readonly, keys, args and the
// result. flags are the shebang's flags, which readonly depends on. Names
// are taken as written; generator/check derives and checks their Go forms.
func (d *decoder) script(sc *model.Script, h *header, flags []string) {
	sc.NamePos, sc.NameFromFile = h.opener, true
	root, ok := d.Decode(h.yaml)
	if !ok || root == nil {
		return
	}
	if root.Kind != yaml.MappingNode {
		d.Errorf(root, diag.HeaderField, "the luagen header must be a YAML mapping; allowed fields: %s", strings.Join(headerFields, ", "))
		return
	}
	fields := d.Fields(root, "header ", headerFields, headerAliases)

	switch v := fields["name"]; {
	case v == nil || yamlnode.IsNull(v):
	case v.Kind != yaml.ScalarNode:
		d.Errorf(v, diag.HeaderField, "name must be a string")
	default:
		sc.Name, sc.NamePos, sc.NameFromFile = v.Value, d.pos(v), false
	}
	sc.Doc = strings.TrimSpace(d.str(fields, "doc"))
	sc.ReadOnly = d.boolean(fields, "readonly")
	if sc.ReadOnly && sc.Shebang != "" && !contains(flags, "no-writes") {
		// Redis refuses EVALSHA_RO for a script whose shebang does not
		// promise no-writes, and replicas refuse it with EVALSHA too.
		d.Errorf(fields["readonly"], diag.Shebang, "readonly: true needs flags=no-writes in the shebang; Redis refuses read-only calls of a script with a shebang that lacks it")
	}
	sc.Keys = d.params(d.list(fields, "keys"), "key")
	sc.Args = d.params(d.list(fields, "args"), "arg")
	sc.Result = d.result(fields["returns"])
}

// params reads the keys or the args list; kind is "key" or "arg". Every
// item yields a Param, even a broken one, so KEYS[n] still lines up with
// the header.
func (d *decoder) params(items []*yaml.Node, kind string) []model.Param {
	var out []model.Param
	for _, item := range items {
		p := model.Param{Type: model.TypeString, Pos: d.pos(item)}
		switch {
		case item.Kind == yaml.ScalarNode && !yamlnode.IsNull(item):
			// Shorthand: "- bucket" declares a string named bucket.
			p.Name = item.Value
		case item.Kind == yaml.MappingNode:
			fields := d.Fields(item, kind+" ", keyOrArgFields(kind), paramAliases)
			p.Doc = strings.TrimSpace(d.str(fields, "doc"))
			p.Variadic = d.boolean(fields, "variadic")
			p.Prefix = d.boolean(fields, "prefix")
			p.Type = d.paramType(fields["type"], kind)
			v := fields["name"]
			if v == nil || yamlnode.IsNull(v) || v.Kind != yaml.ScalarNode || v.Value == "" {
				at := item
				if v != nil {
					at = v
				}
				d.Errorf(at, diag.HeaderField, "%s is missing name", kind)
				break
			}
			p.Name, p.Pos = v.Value, d.pos(v)
		default:
			d.Errorf(item, diag.HeaderField, "a %s must be a name or a mapping with %s", kind, strings.Join(keyOrArgFields(kind), ", "))
		}
		out = append(out, p)
	}
	return out
}

func keyOrArgFields(kind string) []string {
	if kind == "key" {
		return keyFields
	}
	return argFields
}

func (d *decoder) paramType(v *yaml.Node, kind string) model.Type {
	if v == nil || yamlnode.IsNull(v) {
		return model.TypeString // ARGV values are strings unless declared otherwise
	}
	if v.Kind != yaml.ScalarNode {
		d.Errorf(v, diag.HeaderType, "type must be a type name")
		return ""
	}
	if kind == "key" {
		if v.Value != string(model.TypeString) {
			d.Errorf(v, diag.HeaderType, "key type %q is not allowed; keys are always strings (allowed: string)", v.Value)
			return ""
		}
		return model.TypeString
	}
	switch t := model.Type(v.Value); t {
	case model.TypeStrings, model.TypeInt64s:
		d.Errorf(v, diag.HeaderType, "arg type %q is not allowed; for several values make the last arg variadic: true with a type such as string", v.Value)
		return ""
	}
	t, msg := resolveType(v.Value, model.ArgTypes, "arg")
	if msg != "" {
		d.Errorf(v, diag.HeaderType, "%s", msg)
	}
	return t
}

// result reads returns:, either a type name or a mapping.
func (d *decoder) result(v *yaml.Node) model.Result {
	r := model.Result{Type: model.TypeNone}
	switch {
	case v == nil || yamlnode.IsNull(v):
		return r
	case v.Kind == yaml.ScalarNode:
		// Shorthand: "returns: int64".
		r.Type = d.resultType(v)
		if r.Type == model.TypeStruct {
			d.Errorf(v, diag.HeaderType, "a struct result needs fields; write returns: {type: struct, fields: [...]} listing them in the order the script returns them")
		}
	case v.Kind == yaml.MappingNode:
		fields := d.Fields(v, "returns ", resultFields, resultAliases)
		r.Doc = strings.TrimSpace(d.str(fields, "doc"))
		r.Nullable = d.boolean(fields, "nullable")
		t, list := fields["type"], fields["fields"]
		switch {
		case t != nil && !yamlnode.IsNull(t):
			r.Type = d.resultType(t)
		case list != nil:
			r.Type = model.TypeStruct // fields imply a struct
		default:
			d.Errorf(v, diag.HeaderType, "returns is missing type; allowed: %s", typeList(model.ResultTypes))
			r.Type = ""
		}
		switch {
		case r.Type == model.TypeStruct:
			r.Fields = d.structFields(list, v)
		case list != nil && r.Type != "":
			d.Errorf(list, diag.HeaderType, "fields only apply to type: struct, not %s", r.Type)
		}
		if r.Nullable {
			d.checkNullable(fields["nullable"], r.Type)
		}
	default:
		d.Errorf(v, diag.HeaderField, "returns must be a type name or a mapping with %s", strings.Join(resultFields, ", "))
		r.Type = ""
	}
	return r
}

func (d *decoder) resultType(v *yaml.Node) model.Type {
	if v.Kind != yaml.ScalarNode {
		d.Errorf(v, diag.HeaderType, "type must be a type name")
		return ""
	}
	t, msg := resolveType(v.Value, model.ResultTypes, "result")
	if msg != "" {
		d.Errorf(v, diag.HeaderType, "%s", msg)
	}
	return t
}

// checkNullable rejects nullable where a nil reply has nowhere to go.
func (d *decoder) checkNullable(at *yaml.Node, t model.Type) {
	switch t {
	case model.TypeNone:
		d.Errorf(at, diag.HeaderType, "nullable does not apply to type none; a script that returns nothing has no nil to report")
	case model.TypeRaw:
		d.Errorf(at, diag.HeaderType, "nullable does not apply to type raw; a raw result already holds a nil reply as is")
	}
}

// structFields reads the fields of a struct result, in reply order.
func (d *decoder) structFields(list, parent *yaml.Node) []model.Field {
	if list == nil || yamlnode.IsNull(list) || (list.Kind == yaml.SequenceNode && len(list.Content) == 0) {
		at := parent
		if list != nil {
			at = list
		}
		d.Errorf(at, diag.HeaderType, "a struct result needs fields; list them in the order the script returns them")
		return nil
	}
	if list.Kind != yaml.SequenceNode {
		d.Errorf(list, diag.HeaderField, "fields must be a list")
		return nil
	}
	var out []model.Field
	for _, item := range list.Content {
		if item.Kind != yaml.MappingNode {
			d.Errorf(item, diag.HeaderField, "a struct field must be a mapping with %s", strings.Join(fieldFields, ", "))
			continue
		}
		fields := d.Fields(item, "struct field ", fieldFields, resultAliases)
		f := model.Field{
			Doc:      strings.TrimSpace(d.str(fields, "doc")),
			Nullable: d.boolean(fields, "nullable"),
			Pos:      d.pos(item),
		}
		switch t := fields["type"]; {
		case t == nil || yamlnode.IsNull(t):
			d.Errorf(item, diag.HeaderType, "struct field is missing type; allowed: %s", typeList(model.FieldTypes))
		case t.Kind != yaml.ScalarNode:
			d.Errorf(t, diag.HeaderType, "type must be a type name")
		default:
			var msg string
			if f.Type, msg = resolveType(t.Value, model.FieldTypes, "field"); msg != "" {
				d.Errorf(t, diag.HeaderType, "%s", msg)
			}
		}
		if f.Nullable && f.Type == model.TypeRaw {
			d.checkNullable(fields["nullable"], f.Type)
		}
		v := fields["name"]
		if v == nil || yamlnode.IsNull(v) || v.Kind != yaml.ScalarNode || v.Value == "" {
			at := item
			if v != nil {
				at = v
			}
			d.Errorf(at, diag.HeaderField, "struct field is missing name")
		} else {
			f.Name, f.Pos = v.Value, d.pos(v)
		}
		out = append(out, f)
	}
	return out
}

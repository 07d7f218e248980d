package parse

import (
	"fmt"
	"go/token"
	"path"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/luagen/luagen/generator/model"
)

var (
	headerFields = []string{"name", "doc", "readonly", "keys", "args", "returns"}
	keyFields    = []string{"name", "doc", "variadic", "type"}
	argFields    = []string{"name", "type", "doc", "variadic"}
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
// result. flags are the shebang's flags, which readonly depends on.
func (d *decoder) script(sc *model.Script, h *header, flags []string) {
	d.nameFromFile(sc, h)
	root, ok := d.decode(h.yaml)
	if !ok || root == nil {
		return
	}
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "the luagen header must be a YAML mapping; allowed fields: %s", strings.Join(headerFields, ", "))
		return
	}
	fields := d.fields(root, "header ", headerFields, headerAliases)

	if v := fields["name"]; v != nil && !isNull(v) {
		d.nameFromHeader(sc, v)
	}
	sc.Doc = strings.TrimSpace(d.str(fields, "doc"))
	sc.ReadOnly = d.boolean(fields, "readonly")
	if sc.ReadOnly && sc.Shebang != "" && !contains(flags, "no-writes") {
		// Redis refuses EVALSHA_RO for a script whose shebang does not
		// promise no-writes, and replicas refuse it with EVALSHA too.
		d.errorf(fields["readonly"], "readonly: true needs flags=no-writes in the shebang; Redis refuses read-only calls of a script with a shebang that lacks it")
		d.diags[len(d.diags)-1].Check = CheckShebang
	}
	sc.Keys = d.params(d.list(fields, "keys"), "key")
	sc.Args = d.params(d.list(fields, "args"), "arg")
	d.checkParams(sc.Keys, sc.Args)
	sc.Result = d.result(fields["returns"], sc.GoName)
}

// nameFromFile derives the default name from the file name; dashes, dots
// and spaces count as underscores ("take-tokens.lua" → take_tokens).
func (d *decoder) nameFromFile(sc *model.Script, h *header) {
	base := strings.TrimSuffix(path.Base(sc.File), ".lua")
	name := strings.Map(func(r rune) rune {
		if r == '-' || r == '.' || r == ' ' {
			return '_'
		}
		return r
	}, base)
	sc.NamePos = h.opener
	if !identifier.MatchString(name) || !startsWithLetter(exportedName(name)) {
		d.diags = append(d.diags, d.s.errorAt(h.opener, "script name %q from the file name is not an identifier; rename the file or set name: in the header", base))
		return
	}
	sc.Name, sc.GoName = name, exportedName(name)
}

func (d *decoder) nameFromHeader(sc *model.Script, v *yaml.Node) {
	if v.Kind != yaml.ScalarNode {
		d.errorf(v, "name must be a string")
		return
	}
	sc.NamePos = d.pos(v)
	switch goName := exportedName(v.Value); {
	case !identifier.MatchString(v.Value):
		d.errorf(v, "script name %q is not an identifier; allowed: letters, digits and underscores, not starting with a digit", v.Value)
	case !startsWithLetter(goName):
		d.errorf(v, "script name %q gives the Go name %q, which does not start with a letter", v.Value, goName)
	default:
		sc.Name, sc.GoName = v.Value, goName
		return
	}
	sc.Name, sc.GoName = "", ""
}

// params reads the keys or the args list; kind is "key" or "arg". Every
// item yields a Param, even a broken one, so KEYS[n] still lines up with
// the header.
func (d *decoder) params(items []*yaml.Node, kind string) []model.Param {
	var out []model.Param
	for _, item := range items {
		p := model.Param{Type: model.TypeString, Pos: d.pos(item)}
		switch {
		case item.Kind == yaml.ScalarNode && !isNull(item):
			// Shorthand: "- bucket" declares a string named bucket.
			p.Name = item.Value
		case item.Kind == yaml.MappingNode:
			allowed := argFields
			if kind == "key" {
				allowed = keyFields
			}
			fields := d.fields(item, kind+" ", allowed, paramAliases)
			p.Doc = strings.TrimSpace(d.str(fields, "doc"))
			p.Variadic = d.boolean(fields, "variadic")
			p.Type = d.paramType(fields["type"], kind)
			v := fields["name"]
			if v == nil || isNull(v) || v.Kind != yaml.ScalarNode || v.Value == "" {
				at := item
				if v != nil {
					at = v
				}
				d.errorf(at, "%s is missing name", kind)
				out = append(out, p)
				continue
			}
			p.Name, p.Pos = v.Value, d.pos(v)
		default:
			d.errorf(item, "a %s must be a name or a mapping with %s", kind, strings.Join(keyOrArgFields(kind), ", "))
			out = append(out, p)
			continue
		}
		p.GoName = d.paramGoName(p, kind)
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
	if v == nil || isNull(v) {
		return model.TypeString // ARGV values are strings unless declared otherwise
	}
	if v.Kind != yaml.ScalarNode {
		d.errorf(v, "type must be a type name")
		return ""
	}
	if kind == "key" {
		if v.Value != string(model.TypeString) {
			d.errorf(v, "key type %q is not allowed; keys are always strings (allowed: string)", v.Value)
			return ""
		}
		return model.TypeString
	}
	switch t := model.Type(v.Value); t {
	case model.TypeStrings, model.TypeInt64s:
		d.errorf(v, "arg type %q is not allowed; for several values make the last arg variadic: true with a type such as string", v.Value)
		return ""
	}
	t, msg := resolveType(v.Value, model.ArgTypes, "arg")
	if msg != "" {
		d.errorf(v, "%s", msg)
	}
	return t
}

// paramGoName checks a key's or arg's name and returns its Go parameter
// name, or "" after a finding.
func (d *decoder) paramGoName(p model.Param, kind string) string {
	goName := paramName(p.Name)
	switch {
	case !identifier.MatchString(p.Name):
		d.errorAt(p.Pos, "%s name %q is not an identifier; allowed: letters, digits and underscores, not starting with a digit", kind, p.Name)
	case !startsWithLetter(goName):
		d.errorAt(p.Pos, "%s name %q gives the Go name %q, which does not start with a letter", kind, p.Name, goName)
	case token.IsKeyword(goName):
		d.errorAt(p.Pos, "%s name %q is the Go keyword %s; rename it, for example to %s_%s", kind, p.Name, goName, p.Name, kind)
	default:
		return goName
	}
	return ""
}

// checkParams reports variadic params that are not last and names used
// twice: keys and args become parameters of one Go function.
func (d *decoder) checkParams(keys, args []model.Param) {
	for i, p := range keys {
		if p.Variadic && i < len(keys)-1 {
			d.errorAt(p.Pos, "key %s is variadic but not the last key; only the last key and the last arg may be variadic", p.Name)
		}
	}
	for i, p := range args {
		if p.Variadic && i < len(args)-1 {
			d.errorAt(p.Pos, "arg %s is variadic but not the last arg; only the last key and the last arg may be variadic", p.Name)
		}
	}
	type seen struct {
		kind string
		p    model.Param
	}
	byName := map[string]seen{}
	byGoName := map[string]seen{}
	all := make([]seen, 0, len(keys)+len(args))
	for _, p := range keys {
		all = append(all, seen{"key", p})
	}
	for _, p := range args {
		all = append(all, seen{"arg", p})
	}
	for _, s := range all {
		if s.p.Name == "" {
			continue
		}
		if first, ok := byName[s.p.Name]; ok {
			d.errorAt(s.p.Pos, "%s name %q is already used by the %s at line %d; key and arg names must be distinct", s.kind, s.p.Name, first.kind, first.p.Pos.Line)
			continue
		}
		byName[s.p.Name] = s
		if s.p.GoName == "" {
			continue
		}
		if first, ok := byGoName[s.p.GoName]; ok {
			d.errorAt(s.p.Pos, "%s %q and %s %q (line %d) both become the Go name %s; rename one", s.kind, s.p.Name, first.kind, first.p.Name, first.p.Pos.Line, s.p.GoName)
			continue
		}
		byGoName[s.p.GoName] = s
	}
}

// result reads returns:, either a type name or a mapping.
func (d *decoder) result(v *yaml.Node, scriptGoName string) model.Result {
	r := model.Result{Type: model.TypeNone}
	switch {
	case v == nil || isNull(v):
		return r
	case v.Kind == yaml.ScalarNode:
		// Shorthand: "returns: int64".
		r.Type = d.resultType(v)
		if r.Type == model.TypeStruct {
			d.errorf(v, "a struct result needs fields; write returns: {type: struct, fields: [...]} listing them in the order the script returns them")
		}
	case v.Kind == yaml.MappingNode:
		fields := d.fields(v, "returns ", resultFields, resultAliases)
		r.Doc = strings.TrimSpace(d.str(fields, "doc"))
		r.Nullable = d.boolean(fields, "nullable")
		t, list := fields["type"], fields["fields"]
		switch {
		case t != nil && !isNull(t):
			r.Type = d.resultType(t)
		case list != nil:
			r.Type = model.TypeStruct // fields imply a struct
		default:
			d.errorf(v, "returns is missing type; allowed: %s", typeList(model.ResultTypes))
			r.Type = ""
		}
		switch {
		case r.Type == model.TypeStruct:
			r.Fields = d.structFields(list, v)
		case list != nil && r.Type != "":
			d.errorf(list, "fields only apply to type: struct, not %s", r.Type)
		}
		if r.Nullable {
			d.checkNullable(fields["nullable"], r.Type)
		}
	default:
		d.errorf(v, "returns must be a type name or a mapping with %s", strings.Join(resultFields, ", "))
		r.Type = ""
	}
	if r.Type == model.TypeStruct {
		r.StructName = scriptGoName + "Result"
	}
	return r
}

func (d *decoder) resultType(v *yaml.Node) model.Type {
	if v.Kind != yaml.ScalarNode {
		d.errorf(v, "type must be a type name")
		return ""
	}
	t, msg := resolveType(v.Value, model.ResultTypes, "result")
	if msg != "" {
		d.errorf(v, "%s", msg)
	}
	return t
}

// checkNullable rejects nullable where a nil reply has nowhere to go.
func (d *decoder) checkNullable(at *yaml.Node, t model.Type) {
	switch t {
	case model.TypeNone:
		d.errorf(at, "nullable does not apply to type none; a script that returns nothing has no nil to report")
	case model.TypeRaw:
		d.errorf(at, "nullable does not apply to type raw; a raw result already holds a nil reply as is")
	}
}

// structFields reads the fields of a struct result, in reply order.
func (d *decoder) structFields(list, parent *yaml.Node) []model.Field {
	if list == nil || isNull(list) || (list.Kind == yaml.SequenceNode && len(list.Content) == 0) {
		at := parent
		if list != nil {
			at = list
		}
		d.errorf(at, "a struct result needs fields; list them in the order the script returns them")
		return nil
	}
	if list.Kind != yaml.SequenceNode {
		d.errorf(list, "fields must be a list")
		return nil
	}
	var out []model.Field
	names := map[string]int{}
	goNames := map[string]string{}
	for _, item := range list.Content {
		if item.Kind != yaml.MappingNode {
			d.errorf(item, "a struct field must be a mapping with %s", strings.Join(fieldFields, ", "))
			continue
		}
		fields := d.fields(item, "struct field ", fieldFields, resultAliases)
		f := model.Field{
			Doc:      strings.TrimSpace(d.str(fields, "doc")),
			Nullable: d.boolean(fields, "nullable"),
		}
		switch t := fields["type"]; {
		case t == nil || isNull(t):
			d.errorf(item, "struct field is missing type; allowed: %s", typeList(model.FieldTypes))
		case t.Kind != yaml.ScalarNode:
			d.errorf(t, "type must be a type name")
		default:
			var msg string
			if f.Type, msg = resolveType(t.Value, model.FieldTypes, "field"); msg != "" {
				d.errorf(t, "%s", msg)
			}
		}
		if f.Nullable && f.Type == model.TypeRaw {
			d.checkNullable(fields["nullable"], f.Type)
		}
		v := fields["name"]
		if v == nil || isNull(v) || v.Kind != yaml.ScalarNode || v.Value == "" {
			at := item
			if v != nil {
				at = v
			}
			d.errorf(at, "struct field is missing name")
			out = append(out, f)
			continue
		}
		f.Name = v.Value
		goName := exportedName(f.Name)
		at := d.pos(v)
		switch first, dup := names[f.Name]; {
		case !identifier.MatchString(f.Name):
			d.errorf(v, "field name %q is not an identifier; allowed: letters, digits and underscores, not starting with a digit", f.Name)
		case !startsWithLetter(goName):
			d.errorf(v, "field name %q gives the Go name %q, which does not start with a letter", f.Name, goName)
		case dup:
			d.errorf(v, "field name %q is already used at line %d", f.Name, first)
		case goNames[goName] != "":
			d.errorf(v, "fields %q and %s both become the Go name %s; rename one", f.Name, goNames[goName], goName)
		default:
			f.GoName = goName
			names[f.Name] = at.Line
			goNames[goName] = fmt.Sprintf("%q (line %d)", f.Name, at.Line)
		}
		out = append(out, f)
	}
	return out
}

func (d *decoder) errorAt(p model.Pos, format string, args ...any) {
	d.diags = append(d.diags, d.s.errorAt(p, format, args...))
}

package check

import (
	"fmt"
	"go/token"
	"path"
	"strings"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/model"
)

// Names derives the Go names of one script — the script's, its keys' and
// args', its struct result's and fields' — and reports the names that
// cannot become Go: not identifiers, Go keywords, used twice, or the same
// once turned into Go. It sets the GoName of every name that passes and
// leaves the others "", and sets the struct result's name. A script
// without a header gets no findings here: the header's finding says it
// all.
func Names(s *model.Script) diag.List {
	if s.HeaderLine == 0 {
		return nil
	}
	c := &namer{s: s}
	c.scriptName()
	for i := range s.Keys {
		c.param(&s.Keys[i], "key")
	}
	for i := range s.Args {
		c.param(&s.Args[i], "arg")
	}
	c.variadicLast(s.Keys, "key")
	c.variadicLast(s.Args, "arg")
	c.prefixes(s.Keys, "key")
	c.prefixes(s.Args, "arg")
	c.distinctParams()
	if s.Result.Type == model.TypeStruct {
		s.Result.StructName = s.GoName + "Result"
		c.fields(s.Result.Fields)
	}
	return c.diags
}

type namer struct {
	s     *model.Script
	diags diag.List
}

func (c *namer) errorf(p model.Pos, check diag.Check, format string, args ...any) {
	c.diags = append(c.diags, diag.Errorf(c.s.File, p.Line, p.Col, check, format, args...))
}

// scriptName derives the script's name from the file name ("take-tokens.lua"
// → take_tokens: dashes, dots and spaces count as underscores) unless the
// header declares one.
func (c *namer) scriptName() {
	s := c.s
	if s.NameFromFile {
		base := strings.TrimSuffix(path.Base(s.File), ".lua")
		name := strings.Map(func(r rune) rune {
			if r == '-' || r == '.' || r == ' ' {
				return '_'
			}
			return r
		}, base)
		if !identifier.MatchString(name) || !startsWithLetter(exportedName(name)) {
			c.errorf(s.NamePos, diag.ScriptName, "script name %q from the file name is not an identifier; rename the file or set name: in the header", base)
			return
		}
		s.Name, s.GoName = name, exportedName(name)
		return
	}
	switch goName := exportedName(s.Name); {
	case !identifier.MatchString(s.Name):
		c.errorf(s.NamePos, diag.ScriptName, "script name %q is not an identifier; allowed: letters, digits and underscores, not starting with a digit", s.Name)
	case !startsWithLetter(goName):
		c.errorf(s.NamePos, diag.ScriptName, "script name %q gives the Go name %q, which does not start with a letter", s.Name, goName)
	default:
		s.GoName = goName
	}
}

// param sets a key's or arg's Go parameter name; kind is "key" or "arg".
// A param without a name was reported when the header was read.
func (c *namer) param(p *model.Param, kind string) {
	if p.Name == "" {
		return
	}
	goName := paramName(p.Name)
	switch {
	case !identifier.MatchString(p.Name):
		c.errorf(p.Pos, diag.ParamName, "%s name %q is not an identifier; allowed: letters, digits and underscores, not starting with a digit", kind, p.Name)
	case !startsWithLetter(goName):
		c.errorf(p.Pos, diag.ParamName, "%s name %q gives the Go name %q, which does not start with a letter", kind, p.Name, goName)
	case token.IsKeyword(goName):
		c.errorf(p.Pos, diag.ParamName, "%s name %q is the Go keyword %s; rename it, for example to %s_%s", kind, p.Name, goName, p.Name, kind)
	default:
		p.GoName = goName
	}
}

// variadicLast reports variadic params that are not last: a Go function
// has one variadic parameter, its last.
func (c *namer) variadicLast(params []model.Param, kind string) {
	for i, p := range params {
		if p.Variadic && i < len(params)-1 {
			c.errorf(p.Pos, diag.VariadicParam, "%s %s is variadic but not the last %s; only the last key and the last arg may be variadic", kind, p.Name, kind)
		}
	}
}

// prefixes reports key prefixes that cannot be one: a prefix is one string
// that keys are built from, and the runtime reads its hash tag at a fixed
// position of the call.
func (c *namer) prefixes(params []model.Param, kind string) {
	for _, p := range params {
		switch {
		case !p.Prefix:
		case p.Variadic:
			c.errorf(p.Pos, diag.PrefixParam, "%s %s is both variadic and a key prefix; a key prefix is one string: declare it as its own %s before the variadic one", kind, p.Name, kind)
		case p.Type != model.TypeString && p.Type != "":
			c.errorf(p.Pos, diag.PrefixParam, "arg %s is a key prefix of type %s; a key prefix is part of a key name, so its type must be string (the default)", p.Name, p.Type)
		}
	}
}

// distinctParams reports names used twice: keys and args become the
// parameters of one Go function.
func (c *namer) distinctParams() {
	type seen struct {
		kind string
		p    model.Param
	}
	all := make([]seen, 0, len(c.s.Keys)+len(c.s.Args))
	for _, p := range c.s.Keys {
		all = append(all, seen{"key", p})
	}
	for _, p := range c.s.Args {
		all = append(all, seen{"arg", p})
	}
	byName := map[string]seen{}
	byGoName := map[string]seen{}
	for _, s := range all {
		if s.p.Name == "" {
			continue
		}
		if first, ok := byName[s.p.Name]; ok {
			c.errorf(s.p.Pos, diag.ParamName, "%s name %q is already used by the %s at line %d; key and arg names must be distinct", s.kind, s.p.Name, first.kind, first.p.Pos.Line)
			continue
		}
		byName[s.p.Name] = s
		if s.p.GoName == "" {
			continue
		}
		if first, ok := byGoName[s.p.GoName]; ok {
			c.errorf(s.p.Pos, diag.ParamName, "%s %q and %s %q (line %d) both become the Go name %s; rename one", s.kind, s.p.Name, first.kind, first.p.Name, first.p.Pos.Line, s.p.GoName)
			continue
		}
		byGoName[s.p.GoName] = s
	}
}

// fields sets the Go names of a struct result's fields, which must be
// distinct to be struct fields.
func (c *namer) fields(fields []model.Field) {
	names := map[string]int{}
	goNames := map[string]string{}
	for i := range fields {
		f := &fields[i]
		if f.Name == "" {
			continue // reported when the header was read
		}
		goName := exportedName(f.Name)
		switch first, dup := names[f.Name]; {
		case !identifier.MatchString(f.Name):
			c.errorf(f.Pos, diag.FieldName, "field name %q is not an identifier; allowed: letters, digits and underscores, not starting with a digit", f.Name)
		case !startsWithLetter(goName):
			c.errorf(f.Pos, diag.FieldName, "field name %q gives the Go name %q, which does not start with a letter", f.Name, goName)
		case dup:
			c.errorf(f.Pos, diag.FieldName, "field name %q is already used at line %d", f.Name, first)
		case goNames[goName] != "":
			c.errorf(f.Pos, diag.FieldName, "fields %q and %s both become the Go name %s; rename one", f.Name, goNames[goName], goName)
		default:
			f.GoName = goName
			names[f.Name] = f.Pos.Line
			goNames[goName] = fmt.Sprintf("%q (line %d)", f.Name, f.Pos.Line)
		}
	}
}

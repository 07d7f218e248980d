package config

import (
	"go/token"
	"maps"
	"path"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/model"
	"github.com/luagen/luagen/generator/yamlnode"
)

var (
	topFields     = []string{"version", "packages", "checks", "client"}
	packageFields = []string{"name", "scripts", "out", "emit_interface", "library", "checks", "client"}
)

// Parse checks a config's text without touching the disk. path names the
// file in findings and sets Dir. Parse returns nil when the text is not a
// YAML mapping at all.
func Parse(path string, data []byte) (*Config, diag.List) {
	d := &decoder{yamlnode.Decoder{
		File: path, Lines: diag.NewLines(data), Doc: "the config",
		Syntax: diag.ConfigYAML, Field: diag.ConfigField,
	}}
	root, ok := d.Decode(data)
	if root == nil {
		if ok {
			d.ErrorfLine(1, diag.ConfigYAML, "config is empty; allowed: version: 1 and a packages: list")
		}
		return nil, d.Diags
	}
	cfg := &Config{Path: path, Dir: filepath.Dir(path)}
	if root.Kind != yaml.MappingNode {
		d.Errorf(root, diag.ConfigField, "config must be a mapping with version and packages")
		return nil, d.Diags
	}
	fields := d.Fields(root, "", topFields, nil)

	switch v := fields["version"]; {
	case v == nil:
		d.Errorf(root, diag.ConfigField, "missing version; allowed: 1")
	default:
		var n int
		switch {
		case v.Kind != yaml.ScalarNode:
			d.Errorf(v, diag.ConfigField, "version must be a number; allowed: 1")
		case v.Decode(&n) != nil || n != 1:
			d.Errorf(v, diag.ConfigField, "unsupported version %s; allowed: 1", v.Value)
		default:
			cfg.Version = n
		}
	}

	var global Checks
	if v := fields["checks"]; v != nil {
		global = d.checks(v)
	}
	cfg.Checks = global

	cfg.Client = model.ClientRueidis
	if v := fields["client"]; v != nil {
		if c, ok := d.client(v); ok {
			cfg.Client = c
		}
	}

	switch v := fields["packages"]; {
	case v == nil:
		d.Errorf(root, diag.ConfigField, "missing packages; list at least one package with name, scripts and out")
	case v.Kind != yaml.SequenceNode:
		d.Errorf(v, diag.ConfigField, "packages must be a list of packages with name, scripts and out")
	case len(v.Content) == 0:
		d.Errorf(v, diag.ConfigField, "packages is empty; list at least one package with name, scripts and out")
	default:
		for _, item := range v.Content {
			if p := d.pkg(item, global, cfg.Client); p != nil {
				cfg.Packages = append(cfg.Packages, p)
			}
		}
	}
	d.checkUnique(cfg.Packages)
	d.Diags.Sort()
	return cfg, d.Diags
}

// decoder reads luagen.yaml: a yamlnode.Decoder with the shapes the config
// uses.
type decoder struct {
	yamlnode.Decoder
}

// pkg checks one entry of packages:. It returns nil when the entry is not a
// mapping; otherwise a package with the fields that were valid. Its
// Checks are global's with its own checks: on top, and its Client is its
// own client: or else client, the top-level one.
func (d *decoder) pkg(n *yaml.Node, global Checks, client model.Client) *Package {
	if n.Kind != yaml.MappingNode {
		d.Errorf(n, diag.ConfigField, "a package must be a mapping with name, scripts and out")
		return nil
	}
	fields := d.Fields(n, "package ", packageFields, nil)
	p := &Package{}

	if v := d.str(fields, n, "name", "package is missing name (the Go package name)"); v != nil {
		switch name := v.Value; {
		case name == "_":
			d.Errorf(v, diag.PackageName, "package name %q is the blank identifier; allowed: a Go identifier such as limiter", name)
		case token.IsKeyword(name):
			d.Errorf(v, diag.PackageName, "package name %q is a Go keyword; choose another name", name)
		case !token.IsIdentifier(name) || !isASCII(name):
			d.Errorf(v, diag.PackageName, "package name %q is not a Go identifier; allowed: letters, digits and underscores, not starting with a digit", name)
		default:
			p.Name = name
			p.namePos = d.pos(v)
		}
	}

	if v := d.str(fields, n, "scripts", "package is missing scripts (the folder or glob of its .lua files)"); v != nil {
		switch s := v.Value; {
		case isAbs(s):
			d.Errorf(v, diag.PackageScripts, "scripts %q is absolute; allowed: a path relative to the config folder", s)
		case strings.Contains(s, "**"):
			d.Errorf(v, diag.PackageScripts, "scripts %q uses **, which is not supported; allowed: a folder or a pattern like scripts/*.lua", s)
		default:
			p.Scripts = s
			p.scriptsPos = d.pos(v)
		}
	}

	if v := d.str(fields, n, "out", "package is missing out (the folder for generated .go files)"); v != nil {
		switch s := v.Value; {
		case isAbs(s):
			d.Errorf(v, diag.PackageOut, "out %q is absolute; allowed: a folder relative to the config folder, inside the Go module", s)
		default:
			p.Out = path.Clean(filepath.ToSlash(s))
			p.outPos = d.pos(v)
		}
	}

	if v := fields["emit_interface"]; v != nil {
		if b, ok := yamlnode.Bool(v); ok {
			p.EmitInterface = b
		} else {
			d.Errorf(v, diag.ConfigField, "emit_interface must be true or false")
		}
	}

	if v := fields["library"]; v != nil {
		switch name := v.Value; {
		case v.Kind != yaml.ScalarNode || !isLibraryName(name):
			d.Errorf(v, diag.ConfigField, "library %q is not a Redis Functions library name; allowed: letters, digits and underscores", name)
		default:
			p.Library = name
		}
	}

	p.Client = client
	if v := fields["client"]; v != nil {
		if c, ok := d.client(v); ok {
			p.Client = c
		}
	}

	p.Checks = maps.Clone(global)
	if v := fields["checks"]; v != nil {
		for name, sev := range d.checks(v) {
			if p.Checks == nil {
				p.Checks = Checks{}
			}
			p.Checks[name] = sev
		}
	}
	return p
}

// clientAliases are what users may write for a client, for hints: module
// paths and package names.
var clientAliases = map[string]string{
	"goredis": "go-redis", "go_redis": "go-redis", "redis": "go-redis", "go-redis/v9": "go-redis",
	"github.com/redis/go-redis": "go-redis", "github.com/redis/go-redis/v9": "go-redis",
	"github.com/redis/rueidis": "rueidis",
}

// client reads a client: value, reporting one that is not a known client.
func (d *decoder) client(n *yaml.Node) (model.Client, bool) {
	names := make([]string, len(model.Clients))
	for i, c := range model.Clients {
		names[i] = string(c)
	}
	allowed := strings.Join(names, ", ")
	if n.Kind != yaml.ScalarNode || yamlnode.IsNull(n) || strings.TrimSpace(n.Value) == "" {
		d.Errorf(n, diag.ConfigField, "client must be the name of a Go Redis client; allowed: %s", allowed)
		return "", false
	}
	for _, c := range model.Clients {
		if n.Value == string(c) {
			return c, true
		}
	}
	d.Errorf(n, diag.ConfigField, "unknown client %q; allowed: %s%s", n.Value, allowed, diag.DidYouMean(diag.SuggestAlias(n.Value, names, clientAliases)))
	return "", false
}

// levelAliases are levels other linters spell differently, for hints.
var levelAliases = map[string]string{
	"warn": "warning", "err": "error", "fatal": "error",
	"false": "off", "no": "off", "none": "off", "disable": "off", "disabled": "off", "ignore": "off", "silent": "off",
}

// checks reads a checks: mapping of check names to levels. Unknown names
// and levels, and lowering a check whose findings make generation or the
// script impossible, are findings; such entries are left out.
func (d *decoder) checks(n *yaml.Node) Checks {
	const allowed = "a mapping of check names to error, warning or off, like {key-not-from-KEYS: error, unused-arg: off}"
	if n.Kind != yaml.MappingNode {
		d.Errorf(n, diag.ConfigField, "checks must be %s", allowed)
		return nil
	}
	names := diag.Names()
	out := Checks{}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.Errorf(k, diag.ConfigField, "checks must be %s", allowed)
			continue
		}
		if line, twice := seen[k.Value]; twice {
			d.Errorf(k, diag.ConfigField, "check %q is set twice in checks (first at line %d)", k.Value, line)
			continue
		}
		seen[k.Value], _ = d.Pos(k)
		info, known := diag.Lookup(k.Value)
		if !known {
			hint := diag.DidYouMean(diag.Suggest(k.Value, names))
			if hint == "" {
				hint = "; the checks are listed in the README's luagen vet section"
			}
			d.Errorf(k, diag.ConfigField, "unknown check %q in checks%s", k.Value, hint)
			continue
		}
		if v.Kind != yaml.ScalarNode || yamlnode.IsNull(v) {
			d.Errorf(v, diag.ConfigField, "level of %s must be error, warning or off", k.Value)
			continue
		}
		sev, ok := diag.ParseSeverity(v.Value)
		if !ok {
			d.Errorf(v, diag.ConfigField, "unknown level %q for %s; allowed: error, warning, off%s", v.Value, k.Value, diag.DidYouMean(diag.SuggestAlias(v.Value, diag.Levels, levelAliases)))
			continue
		}
		if info.Locked != "" && sev != diag.Error {
			d.Errorf(v, diag.ConfigField, "%s cannot be lowered to %s: %s, so it is always an error", k.Value, v.Value, info.Locked)
			continue
		}
		out[info.Name] = sev
	}
	return out
}

// checkUnique reports packages that would overwrite each other or be
// confused with each other.
func (d *decoder) checkUnique(pkgs []*Package) {
	names := map[string]*Package{}
	outs := map[string]*Package{}
	for _, p := range pkgs {
		if p.Name != "" {
			if first, ok := names[p.Name]; ok {
				d.errorAt(p.namePos, diag.PackageName, "package name %q is used twice (first by the package at line %d); each package needs its own name", p.Name, first.namePos.Line)
			} else {
				names[p.Name] = p
			}
		}
		if p.Out != "" {
			if first, ok := outs[p.Out]; ok {
				d.errorAt(p.outPos, diag.PackageOut, "out %q is already used by the package at line %d; each package needs its own out folder", p.Out, first.outPos.Line)
			} else {
				outs[p.Out] = p
			}
		}
	}
}

func (d *decoder) errorAt(p model.Pos, check diag.Check, format string, args ...any) {
	d.Diags = append(d.Diags, diag.Errorf(d.File, p.Line, p.Col, check, format, args...))
}

// str returns the named field when it is a non-empty string, reporting it
// as missing (at the mapping) or as the wrong kind of value otherwise.
func (d *decoder) str(fields map[string]*yaml.Node, parent *yaml.Node, key, missing string) *yaml.Node {
	switch v := fields[key]; {
	case v == nil:
		d.Errorf(parent, diag.ConfigField, "%s", missing)
	case v.Kind != yaml.ScalarNode:
		d.Errorf(v, diag.ConfigField, "%s must be a string", key)
	case yamlnode.IsNull(v) || strings.TrimSpace(v.Value) == "":
		d.Errorf(v, diag.ConfigField, "%s", missing)
	default:
		return v
	}
	return nil
}

func (d *decoder) pos(n *yaml.Node) model.Pos {
	line, col := d.Pos(n)
	return model.Pos{Line: line, Col: col}
}

// isAbs rejects absolute paths on any OS, so a config behaves the same on
// every machine.
func isAbs(p string) bool {
	return filepath.IsAbs(p) || strings.HasPrefix(p, "/") || strings.HasPrefix(p, `\`) || filepath.VolumeName(p) != ""
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// isLibraryName reports whether name is a valid Redis Functions library
// name: letters, digits and underscores (Redis 7's rule), not empty.
func isLibraryName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		if !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

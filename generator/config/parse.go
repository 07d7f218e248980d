package config

import (
	"go/token"
	"path"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/luagen/luagen/generator/diag"
)

var (
	topFields     = []string{"version", "packages"}
	packageFields = []string{"name", "scripts", "out", "emit_interface"}
)

// Parse checks a config's text without touching the disk. path names the
// file in findings and sets Dir. Parse returns nil when the text is not a
// YAML mapping at all.
func Parse(path string, data []byte) (*Config, diag.List) {
	d := &decoder{file: path, src: data}
	root := d.decode(data)
	if root == nil {
		return nil, d.diags
	}
	cfg := &Config{Path: path, Dir: filepath.Dir(path)}
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "config must be a mapping with version and packages")
		return nil, d.diags
	}
	fields := d.fields(root, "", topFields)

	switch v := fields["version"]; {
	case v == nil:
		d.errorf(root, "missing version; allowed: 1")
	default:
		var n int
		switch {
		case v.Kind != yaml.ScalarNode:
			d.errorf(v, "version must be a number; allowed: 1")
		case v.Decode(&n) != nil || n != 1:
			d.errorf(v, "unsupported version %s; allowed: 1", v.Value)
		default:
			cfg.Version = n
		}
	}

	switch v := fields["packages"]; {
	case v == nil:
		d.errorf(root, "missing packages; list at least one package with name, scripts and out")
	case v.Kind != yaml.SequenceNode:
		d.errorf(v, "packages must be a list of packages with name, scripts and out")
	case len(v.Content) == 0:
		d.errorf(v, "packages is empty; list at least one package with name, scripts and out")
	default:
		for _, item := range v.Content {
			if p := d.pkg(item); p != nil {
				cfg.Packages = append(cfg.Packages, p)
			}
		}
	}
	d.checkUnique(cfg.Packages)
	d.diags.Sort()
	return cfg, d.diags
}

// pkg checks one entry of packages:. It returns nil when the entry is not a
// mapping; otherwise a package with the fields that were valid.
func (d *decoder) pkg(n *yaml.Node) *Package {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "a package must be a mapping with name, scripts and out")
		return nil
	}
	fields := d.fields(n, "package ", packageFields)
	p := &Package{}

	if v := d.str(fields, n, "name", "package is missing name (the Go package name)"); v != nil {
		switch name := v.Value; {
		case name == "_":
			d.errorf(v, "package name %q is the blank identifier; allowed: a Go identifier such as limiter", name)
		case token.IsKeyword(name):
			d.errorf(v, "package name %q is a Go keyword; choose another name", name)
		case !token.IsIdentifier(name) || !isASCII(name):
			d.errorf(v, "package name %q is not a Go identifier; allowed: letters, digits and underscores, not starting with a digit", name)
		default:
			p.Name = name
			p.namePos = d.pos(v)
		}
	}

	if v := d.str(fields, n, "scripts", "package is missing scripts (the folder or glob of its .lua files)"); v != nil {
		switch s := v.Value; {
		case isAbs(s):
			d.errorf(v, "scripts %q is absolute; allowed: a path relative to the config folder", s)
		case strings.Contains(s, "**"):
			d.errorf(v, "scripts %q uses **, which is not supported; allowed: a folder or a pattern like scripts/*.lua", s)
		default:
			p.Scripts = s
			p.scriptsPos = d.pos(v)
		}
	}

	if v := d.str(fields, n, "out", "package is missing out (the folder for generated .go files)"); v != nil {
		switch s := v.Value; {
		case isAbs(s):
			d.errorf(v, "out %q is absolute; allowed: a folder relative to the config folder, inside the Go module", s)
		default:
			p.Out = path.Clean(filepath.ToSlash(s))
			p.outPos = d.pos(v)
		}
	}

	if v := fields["emit_interface"]; v != nil {
		if b, ok := d.boolean(v); ok {
			p.EmitInterface = b
		} else {
			d.errorf(v, "emit_interface must be true or false")
		}
	}
	return p
}

// checkUnique reports packages that would overwrite each other or be
// confused with each other.
func (d *decoder) checkUnique(pkgs []*Package) {
	names := map[string]*Package{}
	outs := map[string]*Package{}
	for _, p := range pkgs {
		if p.Name != "" {
			if first, ok := names[p.Name]; ok {
				d.errorAtName(p, "package name %q is used twice (first by the package at line %d); each package needs its own name", p.Name, first.namePos.Line)
			} else {
				names[p.Name] = p
			}
		}
		if p.Out != "" {
			if first, ok := outs[p.Out]; ok {
				d.diags = append(d.diags, diag.Errorf(d.file, p.outPos.Line, p.outPos.Col,
					"out %q is already used by the package at line %d; each package needs its own out folder", p.Out, first.outPos.Line))
			} else {
				outs[p.Out] = p
			}
		}
	}
}

func (d *decoder) errorAtName(p *Package, format string, args ...any) {
	d.diags = append(d.diags, diag.Errorf(d.file, p.namePos.Line, p.namePos.Col, format, args...))
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

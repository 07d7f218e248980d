// Package config reads luagen.yaml: which folders of Lua scripts become
// which Go packages, and where those packages are written.
//
// Parse checks the file on its own, without touching the disk, so it can be
// fuzzed; Load reads the file, parses it and then resolves it against the
// disk: the enclosing Go module and the .lua files of each package.
package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/model"
)

// Config is a checked luagen.yaml.
type Config struct {
	Path string // the config path as given; config errors are reported against it
	// Dir is the folder holding the config; scripts and out are relative to it.
	Dir string
	// ModuleRoot is the absolute folder of the go.mod enclosing Dir. Load sets
	// it; Parse leaves it "".
	ModuleRoot string
	Version    int
	// Checks are the severities the top-level checks: sets; every
	// package's Checks start from them.
	Checks Checks
	// Client is the top-level client: (default model.ClientRueidis), the
	// client of every package that sets none.
	Client   model.Client
	Packages []*Package
}

// Checks maps check names to the severity luagen.yaml gives them
// (diag.Off: dropped). Checks not in it keep their default severity.
type Checks map[diag.Check]diag.Severity

// Apply gives each finding the severity c sets for its check, dropping
// those set to off.
func (c Checks) Apply(diags diag.List) diag.List {
	if len(c) == 0 {
		return diags
	}
	out := diags[:0:0]
	for _, d := range diags {
		if sev, ok := c[d.Check]; ok {
			if sev == diag.Off {
				continue
			}
			d.Severity = sev
		}
		out = append(out, d)
	}
	return out
}

// Package is one entry of packages:.
type Package struct {
	Name          string // Go package name
	Scripts       string // folder or glob of .lua files, as written
	Out           string // output folder, cleaned and slash-separated, relative to Dir
	EmitInterface bool
	// Checks are the severities of the top-level checks: with the
	// package's own checks: on top.
	Checks Checks
	// Library is the Redis Functions library the package's scripts are
	// also emitted as (`library: NAME`); "" for scripts only.
	Library string
	// Client is the Redis client the generated code takes: the package's
	// client:, else the top-level one, else rueidis.
	Client model.Client
	// Files are the package's .lua files, slash-separated, relative to Dir,
	// sorted. Load sets them; Parse leaves them nil.
	Files []string

	// Positions in the config, for findings Load makes after parsing.
	namePos, scriptsPos, outPos model.Pos
}

// Load reads, parses and resolves the config at path. A config with errors
// may still be returned, partially filled; callers must check the list.
func Load(path string) (*Config, diag.List) {
	data, err := os.ReadFile(path)
	if err != nil {
		msg := "cannot read config: " + err.Error()
		if errors.Is(err, fs.ErrNotExist) {
			msg = "config file not found; run \"luagen init\" to create one"
		}
		return nil, diag.List{diag.Errorf(path, 0, 0, diag.ConfigFile, "%s", msg)}
	}
	cfg, diags := Parse(path, data)
	if cfg == nil {
		return nil, diags
	}
	diags = append(diags, cfg.resolve()...)
	diags.Sort()
	return cfg, diags
}

// resolve checks the config against the disk: the Go module that will hold
// the out folders, and the .lua files each package reads.
func (c *Config) resolve() diag.List {
	var diags diag.List
	absDir, err := filepath.Abs(c.Dir)
	if err != nil {
		return diag.List{diag.Errorf(c.Path, 0, 0, diag.ConfigFile, "cannot resolve the config folder: %v", err)}
	}
	c.ModuleRoot = findModuleRoot(absDir)
	for _, p := range c.Packages {
		diags = append(diags, c.checkOutInModule(p, absDir)...)
		files, d := c.listScripts(p)
		p.Files = files
		diags = append(diags, d...)
	}
	return diags
}

// findModuleRoot returns the nearest folder at or above dir holding a
// go.mod, or "" when there is none.
func findModuleRoot(dir string) string {
	for {
		if fi, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && !fi.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// checkOutInModule makes sure generated code lands inside the module, where
// it can be imported and where luagen is allowed to write.
func (c *Config) checkOutInModule(p *Package, absDir string) diag.List {
	if p.Out == "" {
		return nil // already reported by Parse
	}
	if c.ModuleRoot == "" {
		return diag.List{c.errorAt(p.outPos, diag.PackageOut, "out %q is not inside a Go module: no go.mod in the config folder or any parent; run \"go mod init\" first", p.Out)}
	}
	abs := filepath.Join(absDir, filepath.FromSlash(p.Out))
	if !inside(c.ModuleRoot, abs) {
		modDir, err := filepath.Rel(absDir, c.ModuleRoot)
		if err != nil {
			modDir = c.ModuleRoot
		}
		return diag.List{c.errorAt(p.outPos, diag.PackageOut, "out %q leaves the Go module (its go.mod is in %q); allowed: a folder inside the module", p.Out, filepath.ToSlash(modDir))}
	}
	return nil
}

// inside reports whether path is root or below it.
func inside(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return false
	}
	rel = filepath.ToSlash(rel)
	return rel != ".." && !strings.HasPrefix(rel, "../") && !filepath.IsAbs(rel)
}

func (c *Config) errorAt(p model.Pos, check diag.Check, format string, args ...any) diag.Diagnostic {
	return diag.Errorf(c.Path, p.Line, p.Col, check, format, args...)
}

package config

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/luagen/luagen/generator/diag"
)

// listScripts finds a package's .lua files. scripts is a folder (its .lua
// files, not recursive, so nested folders can hold other packages) or a
// glob such as scripts/*.lua.
func (c *Config) listScripts(p *Package) ([]string, diag.List) {
	if p.Scripts == "" {
		return nil, nil // already reported by Parse
	}
	native := filepath.Join(c.Dir, filepath.FromSlash(p.Scripts))
	isGlob := strings.ContainsAny(p.Scripts, "*?[")
	var matches []string
	if isGlob {
		m, err := filepath.Glob(native)
		if err != nil {
			return nil, diag.List{c.errorAt(p.scriptsPos, diag.PackageScripts, "scripts pattern %q is malformed: %v; allowed: a folder or a pattern like scripts/*.lua", p.Scripts, err)}
		}
		matches = m
	} else {
		fi, err := os.Stat(native)
		switch {
		case os.IsNotExist(err):
			return nil, diag.List{c.errorAt(p.scriptsPos, diag.PackageScripts, "scripts folder %q does not exist", p.Scripts)}
		case err != nil:
			return nil, diag.List{c.errorAt(p.scriptsPos, diag.PackageScripts, "cannot read scripts folder %q: %v", p.Scripts, err)}
		case fi.IsDir():
			entries, err := os.ReadDir(native)
			if err != nil {
				return nil, diag.List{c.errorAt(p.scriptsPos, diag.PackageScripts, "cannot read scripts folder %q: %v", p.Scripts, err)}
			}
			for _, e := range entries {
				matches = append(matches, filepath.Join(native, e.Name()))
			}
		case !strings.HasSuffix(p.Scripts, ".lua"):
			return nil, diag.List{c.errorAt(p.scriptsPos, diag.PackageScripts, "scripts %q is a file, not a folder; allowed: a folder, a .lua file or a pattern like scripts/*.lua", p.Scripts)}
		default:
			matches = []string{native}
		}
	}

	var files []string
	seen := map[string]bool{}
	for _, m := range matches {
		if !strings.HasSuffix(m, ".lua") {
			continue
		}
		if fi, err := os.Stat(m); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		rel, err := filepath.Rel(c.Dir, m)
		if err != nil {
			continue
		}
		rel = filepath.ToSlash(rel)
		if !seen[rel] {
			seen[rel] = true
			files = append(files, rel)
		}
	}
	sort.Strings(files)
	if len(files) == 0 {
		what := "folder"
		if isGlob {
			what = "pattern"
		}
		return nil, diag.List{c.errorAt(p.scriptsPos, diag.PackageScripts, "scripts %s %q has no .lua files", what, p.Scripts)}
	}
	return files, nil
}

package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// writeTree creates files under dir; a name ending in "/" is a folder.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"go.mod":                    "module example.com/m\n",
		"scripts/limiter/b.lua":     "",
		"scripts/limiter/a.lua":     "",
		"scripts/limiter/notes.txt": "",
		"scripts/limiter/sub/c.lua": "",
		"scripts/limiter/dir.lua/":  "",
		"scripts/queue/x.lua":       "",
		"scripts/queue/y.lua":       "",
		"scripts/queue/y.sql":       "",
		"scripts/one.lua":           "",
		"luagen.yaml": `version: 1
packages:
  - {name: limiter, scripts: scripts/limiter, out: internal/limiter, emit_interface: true}
  - {name: queue, scripts: "scripts/queue/*", out: internal/queue}
  - {name: one, scripts: scripts/one.lua, out: internal/one}
`,
	})
	cfg, diags := Load(filepath.Join(dir, "luagen.yaml"))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if cfg.ModuleRoot != dir {
		t.Errorf("ModuleRoot = %q, want %q", cfg.ModuleRoot, dir)
	}
	want := [][]string{
		{"scripts/limiter/a.lua", "scripts/limiter/b.lua"},
		{"scripts/queue/x.lua", "scripts/queue/y.lua"},
		{"scripts/one.lua"},
	}
	for i, p := range cfg.Packages {
		if !reflect.DeepEqual(p.Files, want[i]) {
			t.Errorf("package %s files = %q, want %q", p.Name, p.Files, want[i])
		}
	}
}

func TestLoadNestedConfig(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"go.mod":                "module example.com/m\n",
		"tools/gen/s/a.lua":     "",
		"tools/gen/luagen.yaml": "version: 1\npackages:\n  - {name: a, scripts: s, out: ../../internal/a}\n  - {name: b, scripts: s, out: ../../../b}\n",
	})
	_, diags := Load(filepath.Join(dir, "tools", "gen", "luagen.yaml"))
	want := filepath.Join(dir, "tools", "gen", "luagen.yaml") + `:4:32: package-out: out "../../../b" leaves the Go module (its go.mod is in "../.."); allowed: a folder inside the module`
	if diags.Error() != want {
		t.Errorf("got %s\nwant %s", diags.Error(), want)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"missing file", map[string]string{"go.mod": "module m\n"}, []string{
			`luagen.yaml: config-file: config file not found; run "luagen init" to create one`,
		}},
		{"no go.mod", map[string]string{
			"s/a.lua":     "",
			"luagen.yaml": "version: 1\npackages:\n  - {name: a, scripts: s, out: o}\n",
		}, []string{
			`luagen.yaml:3:32: package-out: out "o" is not inside a Go module: no go.mod in the config folder or any parent; run "go mod init" first`,
		}},
		{"out leaves module", map[string]string{
			"go.mod":      "module m\n",
			"s/a.lua":     "",
			"luagen.yaml": "version: 1\npackages:\n  - {name: a, scripts: s, out: ../o}\n",
		}, []string{
			`luagen.yaml:3:32: package-out: out "../o" leaves the Go module (its go.mod is in "."); allowed: a folder inside the module`,
		}},
		{"scripts missing", map[string]string{
			"go.mod":      "module m\n",
			"luagen.yaml": "version: 1\npackages:\n  - {name: a, scripts: s, out: o}\n",
		}, []string{
			`luagen.yaml:3:24: package-scripts: scripts folder "s" does not exist`,
		}},
		{"scripts empty", map[string]string{
			"go.mod":      "module m\n",
			"s/readme.md": "",
			"s/sub/a.lua": "",
			"luagen.yaml": "version: 1\npackages:\n  - {name: a, scripts: s, out: o}\n",
		}, []string{
			`luagen.yaml:3:24: package-scripts: scripts folder "s" has no .lua files`,
		}},
		{"glob matches nothing", map[string]string{
			"go.mod":      "module m\n",
			"s/a.sql":     "",
			"luagen.yaml": "version: 1\npackages:\n  - {name: a, scripts: 's/*', out: o}\n",
		}, []string{
			`luagen.yaml:3:24: package-scripts: scripts pattern "s/*" has no .lua files`,
		}},
		{"bad glob", map[string]string{
			"go.mod":      "module m\n",
			"luagen.yaml": "version: 1\npackages:\n  - {name: a, scripts: 's/[', out: o}\n",
		}, []string{
			`luagen.yaml:3:24: package-scripts: scripts pattern "s/[" is malformed: syntax error in pattern; allowed: a folder or a pattern like scripts/*.lua`,
		}},
		{"scripts is a file", map[string]string{
			"go.mod":      "module m\n",
			"s.txt":       "",
			"luagen.yaml": "version: 1\npackages:\n  - {name: a, scripts: s.txt, out: o}\n",
		}, []string{
			`luagen.yaml:3:24: package-scripts: scripts "s.txt" is a file, not a folder; allowed: a folder, a .lua file or a pattern like scripts/*.lua`,
		}},
		{"parse and disk errors together", map[string]string{
			"go.mod":      "module m\n",
			"luagen.yaml": "version: 3\npackages:\n  - {name: a, scripts: s, out: o}\n  - {name: b, scripts: t, out: o}\n",
		}, []string{
			`luagen.yaml:1:10: config-field: unsupported version 3; allowed: 1`,
			`luagen.yaml:3:24: package-scripts: scripts folder "s" does not exist`,
			`luagen.yaml:4:24: package-scripts: scripts folder "t" does not exist`,
			`luagen.yaml:4:32: package-out: out "o" is already used by the package at line 3; each package needs its own out folder`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, tt.files)
			t.Chdir(dir)
			_, diags := Load("luagen.yaml")
			if got, want := diags.Error(), strings.Join(tt.want, "\n"); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

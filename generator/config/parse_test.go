package config

import (
	"maps"
	"strings"
	"testing"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/model"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"empty", ``, []string{"luagen.yaml:1: config-yaml: config is empty; allowed: version: 1 and a packages: list"}},
		{"comment only", "# nothing\n", []string{"luagen.yaml:1: config-yaml: config is empty; allowed: version: 1 and a packages: list"}},
		{"bad yaml", "version: 1\npackages: [\n", []string{"luagen.yaml:2: config-yaml: invalid YAML in the config: did not find expected node content"}},
		{"tab indent", "version: 1\npackages:\n\t- name: x\n", []string{"luagen.yaml:3: config-yaml: invalid YAML in the config: found character that cannot start any token (indent YAML with spaces, not tabs)"}},
		{"two docs", "version: 1\n---\nversion: 1\n", []string{"luagen.yaml:2: config-yaml: the config holds more than one YAML document; remove the ---"}},
		{"not a mapping", "- a\n- b\n", []string{"luagen.yaml:1:1: config-field: config must be a mapping with version and packages"}},
		{"missing all", "{}\n", []string{
			"luagen.yaml:1:1: config-field: missing packages; list at least one package with name, scripts and out",
			"luagen.yaml:1:1: config-field: missing version; allowed: 1",
		}},
		{"unknown top field", "version: 1\npackage:\n  - {name: a, scripts: s, out: o}\n", []string{
			"luagen.yaml:1:1: config-field: missing packages; list at least one package with name, scripts and out",
			"luagen.yaml:2:1: config-field: unknown field \"package\"; allowed: version, packages, checks, client (did you mean packages?)",
		}},
		{"bad version", "version: 2\npackages: [{name: a, scripts: s, out: o}]\n", []string{
			"luagen.yaml:1:10: config-field: unsupported version 2; allowed: 1",
		}},
		{"version text", "version: one\npackages: [{name: a, scripts: s, out: o}]\n", []string{
			"luagen.yaml:1:10: config-field: unsupported version one; allowed: 1",
		}},
		{"version list", "version: [1]\npackages: [{name: a, scripts: s, out: o}]\n", []string{
			"luagen.yaml:1:10: config-field: version must be a number; allowed: 1",
		}},
		{"packages not list", "version: 1\npackages: {name: a}\n", []string{
			"luagen.yaml:2:11: config-field: packages must be a list of packages with name, scripts and out",
		}},
		{"packages empty", "version: 1\npackages: []\n", []string{
			"luagen.yaml:2:11: config-field: packages is empty; list at least one package with name, scripts and out",
		}},
		{"package not mapping", "version: 1\npackages:\n  - limiter\n", []string{
			"luagen.yaml:3:5: config-field: a package must be a mapping with name, scripts and out",
		}},
		{"missing package fields", "version: 1\npackages:\n  - emit_interface: true\n", []string{
			"luagen.yaml:3:5: config-field: package is missing name (the Go package name)",
			"luagen.yaml:3:5: config-field: package is missing out (the folder for generated .go files)",
			"luagen.yaml:3:5: config-field: package is missing scripts (the folder or glob of its .lua files)",
		}},
		{"empty values", "version: 1\npackages:\n  - name:\n    scripts: ''\n    out: ~\n", []string{
			"luagen.yaml:3:10: config-field: package is missing name (the Go package name)",
			"luagen.yaml:4:14: config-field: package is missing scripts (the folder or glob of its .lua files)",
			"luagen.yaml:5:10: config-field: package is missing out (the folder for generated .go files)",
		}},
		{"unknown package field", "version: 1\npackages:\n  - name: a\n    scripts: s\n    out: o\n    emit_interfaces: true\n", []string{
			"luagen.yaml:6:5: config-field: unknown package field \"emit_interfaces\"; allowed: name, scripts, out, emit_interface, library, checks, client (did you mean emit_interface?)",
		}},
		{"field twice", "version: 1\npackages:\n  - name: a\n    name: b\n    scripts: s\n    out: o\n", []string{
			"luagen.yaml:4:5: config-field: package field \"name\" is set twice (first at line 3)",
		}},
		{"bad names", "version: 1\npackages:\n  - {name: my-pkg, scripts: a, out: a}\n  - {name: type, scripts: b, out: b}\n  - {name: _, scripts: c, out: c}\n  - {name: 1x, scripts: d, out: d}\n  - {name: [x], scripts: e, out: e}\n", []string{
			"luagen.yaml:3:12: package-name: package name \"my-pkg\" is not a Go identifier; allowed: letters, digits and underscores, not starting with a digit",
			"luagen.yaml:4:12: package-name: package name \"type\" is a Go keyword; choose another name",
			"luagen.yaml:5:12: package-name: package name \"_\" is the blank identifier; allowed: a Go identifier such as limiter",
			"luagen.yaml:6:12: package-name: package name \"1x\" is not a Go identifier; allowed: letters, digits and underscores, not starting with a digit",
			"luagen.yaml:7:12: config-field: name must be a string",
		}},
		{"non-ascii name", "version: 1\npackages:\n  - {name: café, scripts: a, out: a}\n", []string{
			"luagen.yaml:3:12: package-name: package name \"café\" is not a Go identifier; allowed: letters, digits and underscores, not starting with a digit",
		}},
		{"duplicates", "version: 1\npackages:\n  - {name: a, scripts: s, out: o}\n  - {name: a, scripts: s, out: ./o/}\n", []string{
			"luagen.yaml:4:12: package-name: package name \"a\" is used twice (first by the package at line 3); each package needs its own name",
			"luagen.yaml:4:32: package-out: out \"o\" is already used by the package at line 3; each package needs its own out folder",
		}},
		{"absolute paths", "version: 1\npackages:\n  - {name: a, scripts: /s, out: /o}\n", []string{
			"luagen.yaml:3:24: package-scripts: scripts \"/s\" is absolute; allowed: a path relative to the config folder",
			"luagen.yaml:3:33: package-out: out \"/o\" is absolute; allowed: a folder relative to the config folder, inside the Go module",
		}},
		{"double star", "version: 1\npackages:\n  - {name: a, scripts: 's/**/*.lua', out: o}\n", []string{
			"luagen.yaml:3:24: package-scripts: scripts \"s/**/*.lua\" uses **, which is not supported; allowed: a folder or a pattern like scripts/*.lua",
		}},
		{"library name", "version: 1\npackages:\n  - {name: a, scripts: s, out: o, library: my-lib}\n", []string{
			"luagen.yaml:3:44: config-field: library \"my-lib\" is not a Redis Functions library name; allowed: letters, digits and underscores",
		}},
		{"emit_interface type", "version: 1\npackages:\n  - {name: a, scripts: s, out: o, emit_interface: yes}\n", []string{
			"luagen.yaml:3:51: config-field: emit_interface must be true or false",
		}},
		{"alias", "version: 1\nx: &n a\npackages:\n  - {name: *n, scripts: s, out: o}\n", []string{
			"luagen.yaml:2:1: config-field: unknown field \"x\"; allowed: version, packages, checks, client",
			"luagen.yaml:4:5: config-field: package is missing name (the Go package name)",
			"luagen.yaml:4:12: config-field: YAML aliases are not supported in the config; write the value out",
		}},
		{"checks", "version: 1\nchecks:\n  key-not-from-keys: error\n  unused-arg: silent\n  lua-syntax: off\n  header-field: warning\n  frobnicate: off\n  unused-key: [off]\n  unused-arg: off\npackages:\n  - {name: a, scripts: s, out: o, checks: {goto: warning, unknown-command: ~, dynamic-keys-index: warn}}\n", []string{
			"luagen.yaml:3:3: config-field: unknown check \"key-not-from-keys\" in checks (did you mean key-not-from-KEYS?)",
			"luagen.yaml:4:15: config-field: unknown level \"silent\" for unused-arg; allowed: error, warning, off (did you mean off?)",
			"luagen.yaml:5:15: config-field: lua-syntax cannot be lowered to off: Redis would refuse to load the script, so it is always an error",
			"luagen.yaml:6:17: config-field: header-field cannot be lowered to warning: luagen cannot generate until it is fixed, so it is always an error",
			"luagen.yaml:7:3: config-field: unknown check \"frobnicate\" in checks; the checks are listed in the README's luagen vet section",
			"luagen.yaml:8:15: config-field: level of unused-key must be error, warning or off",
			"luagen.yaml:9:3: config-field: check \"unused-arg\" is set twice in checks (first at line 4)",
			"luagen.yaml:11:50: config-field: goto cannot be lowered to warning: Redis would refuse to load the script, so it is always an error",
			"luagen.yaml:11:76: config-field: level of unknown-command must be error, warning or off",
			"luagen.yaml:11:99: config-field: unknown level \"warn\" for dynamic-keys-index; allowed: error, warning, off (did you mean warning?)",
		}},
		{"checks not a mapping", "version: 1\nchecks: [unused-arg]\npackages:\n  - {name: a, scripts: s, out: o}\n", []string{
			"luagen.yaml:2:9: config-field: checks must be a mapping of check names to error, warning or off, like {key-not-from-KEYS: error, unused-arg: off}",
		}},
		{"client", "version: 1\nclient: goredis\npackages:\n  - {name: a, scripts: s, out: o, client: rueidiss}\n  - {name: b, scripts: s, out: p, client: redis}\n  - {name: c, scripts: s, out: q, client: [go-redis]}\n  - {name: d, scripts: s, out: r, client: ~}\n  - {name: e, scripts: s, out: t, client: redigo}\n  - {name: f, scripts: s, out: u, client: Go-Redis}\n", []string{
			"luagen.yaml:2:9: config-field: unknown client \"goredis\"; allowed: rueidis, go-redis (did you mean go-redis?)",
			"luagen.yaml:4:43: config-field: unknown client \"rueidiss\"; allowed: rueidis, go-redis (did you mean rueidis?)",
			"luagen.yaml:5:43: config-field: unknown client \"redis\"; allowed: rueidis, go-redis (did you mean go-redis?)",
			"luagen.yaml:6:43: config-field: client must be the name of a Go Redis client; allowed: rueidis, go-redis",
			"luagen.yaml:7:43: config-field: client must be the name of a Go Redis client; allowed: rueidis, go-redis",
			"luagen.yaml:8:43: config-field: unknown client \"redigo\"; allowed: rueidis, go-redis (did you mean go-redis?)",
			"luagen.yaml:9:43: config-field: unknown client \"Go-Redis\"; allowed: rueidis, go-redis (did you mean go-redis?)",
		}},
		{"column in bytes", "version: 1\npackages:\n  - {\"é\": 1, name: a, scripts: s, out: o}\n", []string{
			"luagen.yaml:3:6: config-field: unknown package field \"é\"; allowed: name, scripts, out, emit_interface, library, checks, client",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := Parse("luagen.yaml", []byte(tt.src))
			var got []string
			for _, d := range diags {
				got = append(got, d.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestParseOK(t *testing.T) {
	src := `version: 1
packages:
  - name: limiter
    scripts: scripts/limiter
    out: ./internal/limiter/
    emit_interface: true
  - name: queue
    scripts: scripts/queue/*.lua
    out: internal/queue
`
	cfg, diags := Parse("cfg/luagen.yaml", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if cfg.Dir != "cfg" || cfg.Version != 1 || len(cfg.Packages) != 2 {
		t.Fatalf("config = %+v", cfg)
	}
	p := cfg.Packages[0]
	if p.Name != "limiter" || p.Scripts != "scripts/limiter" || p.Out != "internal/limiter" || !p.EmitInterface {
		t.Errorf("package 0 = %+v", p)
	}
	if q := cfg.Packages[1]; q.Scripts != "scripts/queue/*.lua" || q.EmitInterface {
		t.Errorf("package 1 = %+v", q)
	}
}

// TestParseClient checks that a package's client is its own client:, else
// the top level's, else rueidis.
func TestParseClient(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		top       model.Client
		want      []model.Client
	}{
		{"default", "version: 1\npackages:\n  - {name: a, scripts: s, out: o}\n  - {name: b, scripts: s, out: p, client: go-redis}\n",
			model.ClientRueidis, []model.Client{model.ClientRueidis, model.ClientGoRedis}},
		{"top level", "version: 1\nclient: go-redis\npackages:\n  - {name: a, scripts: s, out: o}\n  - {name: b, scripts: s, out: p, client: rueidis}\n",
			model.ClientGoRedis, []model.Client{model.ClientGoRedis, model.ClientRueidis}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := Parse("luagen.yaml", []byte(tt.src))
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			if cfg.Client != tt.top {
				t.Errorf("top-level client %q, want %q", cfg.Client, tt.top)
			}
			for i, p := range cfg.Packages {
				if p.Client != tt.want[i] {
					t.Errorf("package %s: client %q, want %q", p.Name, p.Client, tt.want[i])
				}
			}
		})
	}
}

func TestParseChecks(t *testing.T) {
	src := `version: 1
checks: {key-not-from-KEYS: error, unused-arg: off, lua-syntax: error}
packages:
  - {name: a, scripts: s, out: o}
  - name: b
    scripts: s
    out: p
    checks:
      key-not-from-KEYS: warning
      unused-key: off
`
	cfg, diags := Parse("luagen.yaml", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	want := []Checks{
		{diag.KeyNotFromKeys: diag.Error, diag.UnusedArg: diag.Off, diag.LuaSyntax: diag.Error},
		{diag.KeyNotFromKeys: diag.Warning, diag.UnusedArg: diag.Off, diag.LuaSyntax: diag.Error, diag.UnusedKey: diag.Off},
	}
	for i, p := range cfg.Packages {
		if !maps.Equal(p.Checks, want[i]) {
			t.Errorf("package %s checks = %v, want %v", p.Name, p.Checks, want[i])
		}
	}
	if len(cfg.Checks) != 3 {
		t.Errorf("top-level checks = %v", cfg.Checks)
	}
	// The top level's map is not the packages': a package's checks: must
	// not leak into the top level or another package.
	if cfg.Checks[diag.UnusedKey] == diag.Off || cfg.Packages[0].Checks[diag.UnusedKey] == diag.Off {
		t.Error("a package's checks changed the top level's")
	}

	found := diag.List{
		{Check: diag.KeyNotFromKeys, Severity: diag.Warning, Msg: "k"},
		{Check: diag.UnusedArg, Severity: diag.Warning, Msg: "a"},
		{Check: diag.UnusedKey, Severity: diag.Warning, Msg: "u"},
		{Check: diag.CommandArity, Severity: diag.Error, Msg: "c"},
	}
	got := cfg.Packages[0].Checks.Apply(found)
	if len(got) != 3 || got[0].Severity != diag.Error || got[1].Check != diag.UnusedKey || got[1].Severity != diag.Warning || got[2].Severity != diag.Error {
		t.Errorf("Apply = %v", got)
	}
	if found[0].Severity != diag.Warning || len(found) != 4 {
		t.Error("Apply changed its argument")
	}
}

package generator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadTree writes files under a new temp folder and returns it.
func loadTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const loadTakeTokens = `--[[luagen
keys: [bucket]
args:
  - {name: n, type: int64}
returns: int64
]]
return redis.call('INCRBY', KEYS[1], ARGV[1])
`

func TestLoad(t *testing.T) {
	dir := loadTree(t, map[string]string{
		"go.mod": "module example.com/app\n",
		"gen/luagen.yaml": `version: 1
packages:
  - {name: limiter, scripts: scripts/limiter, out: ../internal/limiter, emit_interface: true}
  - {name: queue, scripts: "scripts/queue/*.lua", out: ../internal/queue}
`,
		"gen/scripts/limiter/take_tokens.lua": loadTakeTokens,
		"gen/scripts/limiter/peek.lua":        "#!lua flags=no-writes\n--[[luagen\nreadonly: true\nkeys: [bucket]\nreturns: {type: int64, nullable: true}\n]]\nreturn redis.call('GET', KEYS[1])\n",
		"gen/scripts/queue/push.lua":          "--[[luagen\nkeys: [q]\nargs: [v, unused]\n]]\nredis.call('RPUSH', KEYS[1], ARGV[1])\n",
	})
	t.Chdir(filepath.Join(dir, "gen"))
	proj, diags := Load("luagen.yaml")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got, want := diags.Error(), "scripts/queue/push.lua:3:11: unused-arg: warning: arg unused (ARGV[2]) is never read; use it or remove it from the header"; got != want {
		t.Errorf("findings:\n%s\nwant:\n%s", got, want)
	}
	if proj.ConfigPath != "luagen.yaml" || proj.Root != filepath.Join(dir, "gen") || proj.ModuleRoot != dir {
		t.Errorf("project paths: %q %q %q", proj.ConfigPath, proj.Root, proj.ModuleRoot)
	}
	if len(proj.Packages) != 2 {
		t.Fatalf("packages: %d", len(proj.Packages))
	}
	lim := proj.Packages[0]
	if lim.Name != "limiter" || lim.Out != "../internal/limiter" || !lim.EmitInterface || lim.Scripts != "scripts/limiter" {
		t.Errorf("limiter package: %+v", lim)
	}
	var files []string
	for _, s := range lim.Files {
		files = append(files, s.File)
	}
	if strings.Join(files, " ") != "scripts/limiter/peek.lua scripts/limiter/take_tokens.lua" {
		t.Errorf("limiter files: %q", files)
	}
	peek := lim.Files[0]
	if peek.GoName != "Peek" || !peek.ReadOnly || !peek.Result.Nullable || peek.Source == "" || len(peek.SHA1) != 40 {
		t.Errorf("peek: %+v", peek)
	}
}

func TestLoadErrors(t *testing.T) {
	const yaml = "version: 1\npackages:\n  - {name: p, scripts: s, out: out}\n"
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"config errors stop nothing else", map[string]string{
			"luagen.yaml": "version: 1\npackages:\n  - {name: p, scripts: s, out: out, extra: 1}\n",
			"s/a.lua":     "return 1\n",
		}, []string{
			`luagen.yaml:3:37: config-field: unknown package field "extra"; allowed: name, scripts, out, emit_interface, library, checks, client`,
			`s/a.lua:1:1: header: no luagen header; start the file with a --[[luagen ... ]] comment declaring keys, args and returns`,
		}},
		{"duplicate names", map[string]string{
			"luagen.yaml": yaml,
			"s/a.lua":     "--[[luagen\nname: TakeTokens\n]]\n",
			"s/b.lua":     "--[[luagen\nname: take_tokens\n]]\n",
		}, []string{
			`s/a.lua:2:7: script-name: script name TakeTokens is also used by s/b.lua; set a different name: in the header`,
			`s/b.lua:2:7: script-name: script name TakeTokens is also used by s/a.lua; set a different name: in the header`,
		}},
		{"package-level names", map[string]string{
			"luagen.yaml":   yaml,
			"s/new.lua":     "--[[luagen\n]]\n",
			"s/load.lua":    "--[[luagen\n]]\n",
			"s/x.lua":       "--[[luagen\nname: pipeline\n]]\n",
			"s/scripts.lua": "--[[luagen\n]]\n",
		}, []string{
			`s/load.lua:1:1: script-name: script name Load is also the name of a method every generated package declares (Runner, Load, Pipeline, Batch, Exec); set a different name: in the header`,
			`s/new.lua:1:1: script-name: script name New makes the Go name New, which every generated package declares; set a different name: in the header`,
			`s/scripts.lua:1:1: script-name: script name Scripts makes the Go name Scripts, which every generated package declares; set a different name: in the header`,
			`s/x.lua:2:7: script-name: script name Pipeline makes the Go name Pipeline, which every generated package declares; set a different name: in the header`,
		}},
		{"generated names", map[string]string{
			"luagen.yaml":      yaml,
			"s/get.lua":        "--[[luagen\n]]\n",
			"s/get_result.lua": "--[[luagen\n]]\n",
			"s/get_sha1.lua":   "--[[luagen\nname: GetSHA1\n]]\n",
		}, []string{
			`s/get_result.lua:1:1: script-name: script name GetResult makes the Go name GetResult, which is also generated for s/get.lua; set a different name: in the header`,
			`s/get_sha1.lua:2:7: script-name: script name GetSHA1 makes the Go name GetSHA1, which is also generated for s/get.lua; set a different name: in the header`,
		}},
		{"header errors hide index findings", map[string]string{
			"luagen.yaml": yaml,
			"s/a.lua":     "--[[luagen\nkeys: [a]\nargs:\n  - {name: n, type: float}\n]]\nreturn KEYS[2] + ARGV[1] +\n",
			"s/b.lua":     "--[[luagen\nkeyz: [a]\n]]\nreturn KEYS[2]\n",
		}, []string{
			`s/a.lua:4:21: header-type: unknown arg type "float"; allowed: string, []byte, int64, int, uint64, float64, bool, time.Duration, time.Time, json (did you mean float64?)`,
			`s/a.lua:6:27: lua-syntax: unexpected end of the file after "+"`,
			`s/b.lua:2:1: header-field: unknown header field "keyz"; allowed: name, doc, readonly, keys, args, returns (did you mean keys?)`,
		}},
		{"body findings", map[string]string{
			"luagen.yaml": yaml,
			"s/a.lua":     "--[[luagen\nkeys: [a, route]\n]]\nreturn KEYS[1] .. KEYS[3]\n",
		}, []string{
			`s/a.lua:2:11: unused-key: warning: key route (KEYS[2]) is never read; a key passed only to route the call to its slot is fine, otherwise remove it`,
			`s/a.lua:4:19: keys-index: KEYS[3] is out of range: the header declares 2 keys (a, route); declare the key under keys:`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"go.mod": "module m\n"}
			for k, v := range tt.files {
				files[k] = v
			}
			t.Chdir(loadTree(t, files))
			proj, diags := Load("luagen.yaml")
			if proj == nil {
				t.Fatal("no project")
			}
			if got, want := diags.Error(), strings.Join(tt.want, "\n"); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestLoadMissingConfig(t *testing.T) {
	t.Chdir(t.TempDir())
	proj, diags := Load("luagen.yaml")
	if proj != nil || diags.Error() != `luagen.yaml: config-file: config file not found; run "luagen init" to create one` {
		t.Errorf("got %v, %q", proj, diags.Error())
	}
}

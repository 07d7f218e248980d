package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/luagen/luagen/internal/testmod"
)

// runIn runs the CLI in dir and returns its exit code and output.
func runIn(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(dir)
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsage(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args     []string
		code     int
		stdout   string // substring
		stderr   string // substring
		noStdout bool
	}{
		{args: []string{"-h"}, stdout: "Commands:\n  generate"},
		{args: []string{"help"}, stdout: "Exit status: 0 ok"},
		{args: []string{"generate", "-h"}, stdout: "usage: luagen generate [-f file] [-v]\n"},
		{args: []string{"check", "-h"}, stdout: "usage: luagen check [-f file]\n"},
		{args: []string{"vet", "-help"}, stdout: "usage: luagen vet [-f file] [-json] [-max-warnings n]\n"},
		{args: []string{"vet", "-x"}, code: 2, stderr: "flag provided but not defined: -x", noStdout: true},
		{args: []string{"init", "-h"}, stdout: "usage: luagen init [-f file] [-v]\n"},
		{args: []string{"version", "-h"}, stdout: "usage: luagen version\n"},
		{args: []string{"annotate", "-h"}, stdout: "usage: luagen annotate [-n] PATH...\n"},
		{args: []string{"annotate"}, code: 2, stderr: "luagen annotate: name the .lua files or folders to annotate", noStdout: true},
		{args: []string{"annotate", "nope"}, code: 2, stderr: "luagen annotate: stat nope: no such file or directory", noStdout: true},
		{args: []string{"annotate", "."}, code: 2, stderr: "luagen annotate: . has no .lua files (folders are not searched recursively)", noStdout: true},
		{args: []string{"version"}, stdout: "luagen "},
		{args: []string{"frobnicate"}, code: 2, stderr: `unknown command "frobnicate"`, noStdout: true},
		{args: []string{"generate", "-x"}, code: 2, stderr: "flag provided but not defined: -x", noStdout: true},
		{args: []string{"check", "extra"}, code: 2, stderr: `unexpected argument "extra"`, noStdout: true},
		{args: []string{"-f", "missing.yaml"}, code: 2, stderr: "missing.yaml: config-file: config file not found", noStdout: true},
	} {
		code, stdout, stderr := runIn(t, dir, c.args...)
		if code != c.code || !strings.Contains(stdout, c.stdout) || !strings.Contains(stderr, c.stderr) || (c.noStdout && stdout != "") {
			t.Errorf("luagen %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(c.args, " "), code, stdout, stderr)
		}
	}
}

// TestInitGenerateBuild is the user's first five minutes: init in a fresh
// module, generate, build, check, then the guards against mistakes.
func TestInitGenerateBuild(t *testing.T) {
	dir := t.TempDir()
	writeTestModule(t, dir, "example.com/fresh")

	if code, _, stderr := runIn(t, dir, "init"); code != 0 {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runIn(t, dir, "init"); code != 2 || !strings.Contains(stderr, "luagen.yaml: already exists") {
		t.Fatalf("second init: exit %d: %s", code, stderr)
	}
	// init asks nothing and stays on the default client, rueidis (its
	// config only mentions client: in a comment).
	cfg, _ := os.ReadFile(filepath.Join(dir, "luagen.yaml"))
	shared, _ := os.ReadFile(filepath.Join(dir, "internal", "ratelimit", "luagen.go"))
	if regexp.MustCompile(`(?m)^\s*client:`).Match(cfg) || !bytes.Contains(shared, []byte("func New(client rueidis.Client, ")) {
		t.Errorf("init is not on rueidis:\n%s\n%s", cfg, shared)
	}
	// The scaffold ships its generated code: the module builds right
	// away, and generate finds it fresh.
	goCmd(t, dir, "build", "./...")
	code, stdout, stderr := runIn(t, dir, "generate", "-v")
	if code != 0 || stderr != "" {
		t.Fatalf("generate: exit %d\n%s%s", code, stdout, stderr)
	}
	if !regexp.MustCompile(`(?m)^luagen: 1 script, 0 files written, 2 unchanged \(\d+ms\)\n\z`).MatchString(stdout) {
		t.Errorf("generate -v output:\n%s", stdout)
	}
	// Removing the generated code and generating again writes both files.
	os.RemoveAll(filepath.Join(dir, "internal"))
	code, stdout, stderr = runIn(t, dir, "generate", "-v")
	if code != 0 || !regexp.MustCompile(`(?m)^wrote internal/ratelimit/allow.luagen.go\nwrote internal/ratelimit/luagen.go\nluagen: 1 script, 2 files written, 0 unchanged \(\d+ms\)\n\z`).MatchString(stdout) {
		t.Errorf("generate -v after removing the output: exit %d\n%s%s", code, stdout, stderr)
	}
	goCmd(t, dir, "vet", "./...")

	if code, stdout, _ := runIn(t, dir); code != 0 || !strings.Contains(stdout, "2 files written") && !strings.Contains(stdout, "0 files written, 2 unchanged") {
		t.Errorf("default command: exit %d: %s", code, stdout)
	}
	if code, stdout, stderr := runIn(t, dir, "check"); code != 0 || stdout != "" || stderr != "" {
		t.Errorf("check on fresh output: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := runIn(t, dir, "vet"); code != 0 || stderr != "" {
		t.Errorf("vet on the scaffold: exit %d: %s", code, stderr)
	}

	// Edit a script: check reports the stale file with a diff and exits 1.
	script := filepath.Join(dir, "scripts", "ratelimit", "allow.lua")
	src, _ := os.ReadFile(script)
	os.WriteFile(script, bytes.Replace(src, []byte("fixed window"), []byte("fixed time window"), 1), 0o644)
	code, stdout, stderr = runIn(t, dir, "check")
	if code != 1 || !strings.Contains(stdout, "--- a/internal/ratelimit/allow.luagen.go\n+++ b/internal/ratelimit/allow.luagen.go\n") ||
		!strings.Contains(stdout, "\n+// Allow counts one hit in a fixed time window") || !strings.Contains(stderr, "internal/ratelimit/allow.luagen.go: modified") {
		t.Errorf("check on stale output: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "internal", "ratelimit", "allow.luagen.go")); bytes.Contains(got, []byte("fixed time window")) {
		t.Error("check wrote a file")
	}

	// A user's own file in the way: generate refuses and writes nothing.
	os.WriteFile(filepath.Join(dir, "internal", "ratelimit", "allow.luagen.go"), []byte("package ratelimit\n"), 0o644)
	code, _, stderr = runIn(t, dir, "generate")
	if code != 2 || !strings.Contains(stderr, "internal/ratelimit/allow.luagen.go: exists and was not generated by luagen") {
		t.Errorf("generate over a user file: exit %d: %s", code, stderr)
	}
}

// TestGoldenFailures runs the CLI on every failing golden case: exit 2,
// exactly the expected diagnostics on stderr, nothing on stdout, nothing
// written.
func TestGoldenFailures(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "golden")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		caseDir, _ := filepath.Abs(filepath.Join(root, e.Name()))
		want, err := os.ReadFile(filepath.Join(caseDir, "stderr.txt"))
		if _, werr := os.Stat(filepath.Join(caseDir, "want")); err != nil || werr == nil {
			continue // a succeeding case
		}
		n++
		t.Run(e.Name(), func(t *testing.T) {
			work := t.TempDir()
			copyDir(t, caseDir, work)
			if _, err := os.Stat(filepath.Join(work, "go.mod")); err != nil {
				os.WriteFile(filepath.Join(work, "go.mod"), []byte("module example.com/golden\n\ngo 1.26\n"), 0o644)
			}
			before := listFiles(t, work)
			for _, cmd := range []string{"generate", "check"} {
				code, stdout, stderr := runIn(t, work, cmd)
				if code != 2 || stdout != "" || stderr != string(want) {
					t.Errorf("luagen %s: exit %d, stdout %q, stderr:\n%s\nwant:\n%s", cmd, code, stdout, stderr, want)
				}
			}
			// vet reports the same findings the same way, and more when
			// there are: its own lints.
			code, _, stderr := runIn(t, work, "vet")
			if code == 0 || !strings.Contains(stderr, string(want)) {
				t.Errorf("luagen vet: exit %d, stderr:\n%s", code, stderr)
			}
			if after := listFiles(t, work); after != before {
				t.Errorf("files changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
	if n < 10 {
		t.Errorf("only %d failing golden cases", n)
	}
}

func TestVetWarnings(t *testing.T) {
	caseDir, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "golden", "unused_key_warning"))
	work := t.TempDir()
	copyDir(t, caseDir, work)
	os.RemoveAll(filepath.Join(work, "want"))
	os.WriteFile(filepath.Join(work, "go.mod"), []byte("module example.com/golden\n\ngo 1.26\n"), 0o644)
	want, _ := os.ReadFile(filepath.Join(caseDir, "stderr.txt"))
	// Warnings alone exit 0, unless there are more than -max-warnings.
	if code, stdout, stderr := runIn(t, work, "vet"); code != 0 || stdout != "" || stderr != string(want) || !strings.Contains(stderr, ": unused-key: warning: ") {
		t.Errorf("vet: exit %d\nstdout %q\nstderr:\n%s", code, stdout, stderr)
	}
	if code, _, stderr := runIn(t, work, "vet", "-max-warnings", "1"); code != 0 || stderr != string(want) {
		t.Errorf("vet -max-warnings 1: exit %d\nstderr:\n%s", code, stderr)
	}
	if code, _, stderr := runIn(t, work, "vet", "-max-warnings", "0"); code != 1 || stderr != string(want)+"luagen: 1 warning, more than -max-warnings 0\n" {
		t.Errorf("vet -max-warnings 0: exit %d\nstderr:\n%s", code, stderr)
	}
	code, stdout, stderr := runIn(t, work, "vet", "-json", "-max-warnings", "0")
	var findings []map[string]any
	if err := json.Unmarshal([]byte(stdout), &findings); err != nil || code != 1 || stderr != "luagen: 1 warning, more than -max-warnings 0\n" || len(findings) != 1 ||
		fmt.Sprint(findings[0]) != "map[check:unused-key col:8 file:scripts/routed.lua line:3 message:key route (KEYS[1]) is never read; a key passed only to route the call to its slot is fine, otherwise remove it severity:warning]" {
		t.Errorf("vet -json: exit %d, %v\nstdout %s\nstderr %s", code, err, stdout, stderr)
	}
	// Warnings do not stop generation.
	if code, stdout, stderr := runIn(t, work, "generate"); code != 0 || stderr != string(want) || !strings.HasPrefix(stdout, "luagen: 1 script, 2 files written") {
		t.Errorf("generate: exit %d\nstdout %q\nstderr:\n%s", code, stdout, stderr)
	}

	// luagen.yaml raises the check to an error: vet exits 1, generate
	// refuses; in the package only, or turned off, it is gone.
	config, _ := os.ReadFile(filepath.Join(work, "luagen.yaml"))
	for _, c := range []struct {
		name, config string
		vet, gen     int
		stderr       string
	}{
		{"error", "checks: {unused-key: error}\n" + string(config), 1, 2, strings.Replace(string(want), "unused-key: warning: ", "unused-key: ", 1)},
		{"off", "checks: {unused-key: off}\n" + string(config), 0, 0, ""},
		{"package off", strings.Replace(string(config), "    out:", "    checks: {unused-key: off}\n    out:", 1), 0, 0, ""},
		{"unknown", "checks: {unused-keys: error}\n" + string(config), 1, 2, "luagen.yaml:1:10: config-field: unknown check \"unused-keys\" in checks (did you mean unused-key?)\n" + string(want)},
	} {
		os.WriteFile(filepath.Join(work, "luagen.yaml"), []byte(c.config), 0o644)
		if code, _, stderr := runIn(t, work, "vet"); code != c.vet || stderr != c.stderr {
			t.Errorf("%s: vet: exit %d, want %d\nstderr:\n%s", c.name, code, c.vet, stderr)
		}
		if code, _, stderr := runIn(t, work, "generate"); code != c.gen || stderr != c.stderr {
			t.Errorf("%s: generate: exit %d, want %d\nstderr:\n%s", c.name, code, c.gen, stderr)
		}
	}
}

// TestVetFindsClashes runs vet on scripts whose names clash only once they
// meet in one package: vet reports them, in -json too, without rendering
// Go, and generate refuses with the same lines.
func TestVetFindsClashes(t *testing.T) {
	work := t.TempDir()
	os.WriteFile(filepath.Join(work, "go.mod"), []byte("module example.com/clash\n\ngo 1.26\n"), 0o644)
	os.WriteFile(filepath.Join(work, "luagen.yaml"), []byte("version: 1\npackages:\n  - {name: p, scripts: \"s/*/*.lua\", out: gen}\n"), 0o644)
	for _, f := range []struct{ path, src string }{
		{"s/a/take.lua", "--[[luagen\nname: take\n]]\nreturn 1\n"},
		{"s/b/take.lua", "--[[luagen\nname: take_more\n]]\nreturn 1\n"},
		{"s/b/get.lua", "--[[luagen\nname: take_more\n]]\nreturn 1\n"},
	} {
		os.MkdirAll(filepath.Join(work, filepath.Dir(f.path)), 0o755)
		os.WriteFile(filepath.Join(work, f.path), []byte(f.src), 0o644)
	}
	want := "s/b/get.lua:2:7: script-name: script name TakeMore is also used by s/b/take.lua; set a different name: in the header\n" +
		"s/b/take.lua: generated-file: the generated file take.luagen.go clashes with the one generated for s/a/take.lua; rename the script file\n" +
		"s/b/take.lua:2:7: script-name: script name TakeMore is also used by s/b/get.lua; set a different name: in the header\n"
	if code, stdout, stderr := runIn(t, work, "vet"); code != 1 || stdout != "" || stderr != want {
		t.Errorf("vet: exit %d\nstdout %q\nstderr:\n%s", code, stdout, stderr)
	}
	code, stdout, stderr := runIn(t, work, "vet", "-json")
	var findings []struct{ File, Check, Message string }
	if err := json.Unmarshal([]byte(stdout), &findings); err != nil || code != 1 || stderr != "" || len(findings) != 3 ||
		findings[1].Check != "generated-file" || findings[0].Check != "script-name" {
		t.Errorf("vet -json: exit %d, %v\nstdout %s\nstderr %s", code, err, stdout, stderr)
	}
	if code, stdout, stderr := runIn(t, work, "generate"); code != 2 || stdout != "" || stderr != want {
		t.Errorf("generate: exit %d\nstdout %q\nstderr:\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(work, "gen")); err == nil {
		t.Error("generate wrote files")
	}
}

func goCmd(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// writeTestModule writes a go.mod requiring this repository (replaced by the
// local copy), with the repository's requirements and go.sum, so building
// needs only the module cache.
func writeTestModule(t *testing.T, dir, path string) {
	testmod.Write(t, dir, path, filepath.Join("..", ".."))
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// listFiles fingerprints a tree: every path with its size.
func listFiles(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			rel, _ := filepath.Rel(dir, p)
			fmt.Fprintf(&b, "%s:%d ", filepath.ToSlash(rel), info.Size())
		}
		return nil
	})
	return b.String()
}

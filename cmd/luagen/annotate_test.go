package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the expected output of TestAnnotateGolden")

// TestAnnotateGolden annotates testdata/annotate/styles/scripts, scripts
// without headers documented in several styles (BullMQ's, asynq's, colons
// and dashes, none, CRLF, a shebang), then generates and builds: the
// annotated files must be want/scripts, the generated code want/queue.
// A second annotate changes nothing; -n writes nothing.
func TestAnnotateGolden(t *testing.T) {
	caseDir, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "annotate", "styles"))
	work := t.TempDir()
	copyDir(t, filepath.Join(caseDir, "scripts"), filepath.Join(work, "scripts"))
	data, _ := os.ReadFile(filepath.Join(caseDir, "luagen.yaml"))
	os.WriteFile(filepath.Join(work, "luagen.yaml"), data, 0o644)
	writeTestModule(t, work, "example.com/annotated")
	before := readDir(t, filepath.Join(work, "scripts"))

	code, stdout, stderr := runIn(t, work, "annotate", "-n", "scripts")
	if code != 0 || stderr != "" || !strings.Contains(stdout, "scripts/enqueue.lua: would write (2 keys, 3 args):\n--[[luagen\n") ||
		!strings.Contains(stdout, "scripts/util.lua: no header: only an include (scripts/touch_all.lua includes it)\n") ||
		!strings.HasSuffix(stdout, "luagen: 5 scripts to annotate, 1 already had a header, 1 only included\n") {
		t.Errorf("annotate -n: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if got := readDir(t, filepath.Join(work, "scripts")); !sameTree(got, before) {
		t.Fatal("annotate -n wrote files")
	}
	code, stdout, stderr = runIn(t, work, "annotate", "scripts/")
	if code != 0 || stderr != "" || !strings.HasSuffix(stdout, "luagen: 5 scripts annotated, 1 already had a header, 1 only included\n") {
		t.Fatalf("annotate: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	annotated := readDir(t, filepath.Join(work, "scripts"))
	for name, src := range before {
		if !bytes.HasSuffix(annotated[name], bytes.TrimPrefix(src, firstLineIfShebang(src))) {
			t.Errorf("%s: the body changed", name)
		}
	}
	code, stdout, _ = runIn(t, work, "annotate", "scripts")
	if code != 0 || !strings.HasSuffix(stdout, "luagen: 0 scripts annotated, 6 already had a header, 1 only included\n") || !sameTree(readDir(t, filepath.Join(work, "scripts")), annotated) {
		t.Errorf("second annotate changed something: exit %d\n%s", code, stdout)
	}
	code, stdout, stderr = runIn(t, work, "generate")
	if code != 0 || !strings.HasPrefix(stdout, "luagen: 6 scripts") {
		t.Fatalf("generate: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	wantStderr, _ := os.ReadFile(filepath.Join(caseDir, "stderr.txt"))
	generated := readDir(t, filepath.Join(work, "queue"))
	if *update {
		os.RemoveAll(filepath.Join(caseDir, "want"))
		writeTree(t, filepath.Join(caseDir, "want", "scripts"), annotated)
		writeTree(t, filepath.Join(caseDir, "want", "queue"), generated)
		os.WriteFile(filepath.Join(caseDir, "stderr.txt"), []byte(stderr), 0o644)
	} else {
		if stderr != string(wantStderr) {
			t.Errorf("generate's warnings:\n%s\nwant:\n%s", stderr, wantStderr)
		}
		compareTree(t, "want/scripts", readDir(t, filepath.Join(caseDir, "want", "scripts")), annotated)
		compareTree(t, "want/queue", readDir(t, filepath.Join(caseDir, "want", "queue")), generated)
	}
	goCmd(t, work, "vet", "./...")
}

func firstLineIfShebang(src []byte) []byte {
	if !bytes.HasPrefix(src, []byte("#!")) {
		return nil
	}
	return src[:bytes.IndexByte(src, '\n')+1]
}

// readDir reads a tree of files, by slash-separated relative path.
func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)], _ = os.ReadFile(p)
		}
		return nil
	})
	return out
}

func writeTree(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for rel, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func sameTree(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}

func compareTree(t *testing.T, label string, want, got map[string][]byte) {
	t.Helper()
	for k, v := range got {
		if w, ok := want[k]; !ok {
			t.Errorf("%s/%s: not expected (go test ./cmd/luagen -run TestAnnotateGolden -update rewrites it)", label, k)
		} else if !bytes.Equal(v, w) {
			t.Errorf("%s/%s differs:\n--- want\n%s\n--- got\n%s", label, k, w, v)
		}
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("%s/%s: missing", label, k)
		}
	}
}

// TestAnnotateErrors: a script annotate cannot read is reported, left as
// it is, and makes the exit status 2; the others are annotated.
func TestAnnotateErrors(t *testing.T) {
	work := t.TempDir()
	files := map[string]string{
		"s/bad.lua":     "local x = (\nreturn x\n",
		"s/missing.lua": "--- @include \"lib/nope\"\nreturn 1\n",
		"s/ok.lua":      "return redis.call('GET', KEYS[1])\n",
	}
	for name, src := range files {
		writeTree(t, work, map[string][]byte{name: []byte(src)})
	}
	code, stdout, stderr := runIn(t, work, "annotate", "s")
	if code != 2 || !strings.Contains(stderr, "s/bad.lua:2:1: lua-syntax: ") || !strings.Contains(stderr, "s/bad.lua: not annotated: fix the errors above") ||
		!strings.Contains(stderr, `s/missing.lua:1:1: include: @include "lib/nope": s/lib/nope.lua does not exist`) ||
		!strings.Contains(stdout, "s/ok.lua: wrote a header (1 key, 0 args, read-only)\nluagen: 1 script annotated, 0 already had a header, 0 only included\n") {
		t.Errorf("annotate: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	got := readDir(t, filepath.Join(work, "s"))
	if string(got["bad.lua"]) != files["s/bad.lua"] || string(got["missing.lua"]) != files["s/missing.lua"] || !strings.HasPrefix(string(got["ok.lua"]), "--[[luagen\n") {
		t.Errorf("files after annotate: %q", got)
	}
}

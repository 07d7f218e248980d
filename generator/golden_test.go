package generator

import (
	"bytes"
	"flag"
	"go/format"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/internal/testmod"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/golden")

const goldenDir = "../testdata/golden"

// A golden case is a folder of testdata/golden holding luagen.yaml and its
// scripts, and either want/ (the tree luagen writes, relative to the config
// folder) or, for a failing case, only stderr.txt (the diagnostics, one per
// line). A succeeding case may have stderr.txt too, holding its warnings.
// Each case runs in a temporary copy with its own go.mod (unless it has
// one), from inside that folder, so paths in diagnostics are relative.

func goldenCases(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	var cases []string
	for _, e := range entries {
		if e.IsDir() {
			cases = append(cases, e.Name())
		}
	}
	return cases
}

func TestGolden(t *testing.T) {
	for _, name := range goldenCases(t) {
		t.Run(name, func(t *testing.T) { runGolden(t, name) })
	}
}

func runGolden(t *testing.T, name string) {
	caseDir, err := filepath.Abs(filepath.Join(goldenDir, name))
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	copyTree(t, caseDir, work, func(rel string) bool { return rel == "want" || rel == "stderr.txt" })
	if _, err := os.Stat(filepath.Join(work, "go.mod")); os.IsNotExist(err) {
		writeFile(t, filepath.Join(work, "go.mod"), []byte("module example.com/golden/"+name+"\n\ngo 1.26\n"))
	}
	t.Chdir(work)

	var stderr strings.Builder
	tree, ok := generateIn(t, &stderr)

	wantDir, stderrFile := filepath.Join(caseDir, "want"), filepath.Join(caseDir, "stderr.txt")
	if *update {
		os.RemoveAll(wantDir)
		os.Remove(stderrFile)
		if stderr.Len() > 0 {
			writeFile(t, stderrFile, []byte(stderr.String()))
		}
		for rel, data := range tree {
			writeFile(t, filepath.Join(wantDir, filepath.FromSlash(rel)), data)
		}
		return
	}

	wantStderr, _ := os.ReadFile(stderrFile)
	if got := stderr.String(); got != string(wantStderr) {
		t.Errorf("stderr:\n%s", Diff("want", "got", wantStderr, []byte(got)))
	}
	_, err = os.Stat(wantDir)
	if hasWant := err == nil; hasWant != ok {
		t.Fatalf("generation succeeded: %v; want/ exists: %v (run with -update to accept)", ok, hasWant)
	}
	if !ok {
		return
	}
	want := readTree(t, wantDir)
	for rel, data := range tree {
		if w, found := want[rel]; !found {
			t.Errorf("%s: generated but not in want/", rel)
		} else if !bytes.Equal(w, data) {
			t.Errorf("%s differs from want/ (go test ./generator -update rewrites goldens):\n%s", rel, Diff("want/"+rel, rel, w, data))
		}
	}
	for rel := range want {
		if _, found := tree[rel]; !found {
			t.Errorf("%s: in want/ but not generated", rel)
		}
	}
}

// generateIn runs load, generate and write in the working directory and
// returns the written tree (paths relative to it). Diagnostics and errors
// go to stderr in the CLI's format; ok is false when generation failed.
func generateIn(t *testing.T, stderr *strings.Builder) (map[string][]byte, bool) {
	t.Helper()
	before := readTree(t, ".")
	proj, diags := Load("luagen.yaml")
	diags.Sort()
	for _, d := range diags {
		stderr.WriteString(d.String() + "\n")
		if _, ok := diag.Lookup(string(d.Check)); !ok {
			t.Errorf("finding without a known check name: %s", d)
		}
	}
	if proj == nil || diags.HasErrors() {
		return nil, false
	}
	files, err := Generate(proj)
	if err != nil {
		stderr.WriteString(err.Error() + "\n")
		return nil, false
	}
	for _, f := range files {
		if formatted, err := format.Source(f.Data); err != nil || !bytes.Equal(formatted, f.Data) {
			t.Errorf("%s: not gofmt-clean (%v)", f.Path, err)
		}
	}
	again, err := Generate(proj)
	if err != nil || len(again) != len(files) {
		t.Fatalf("second Generate: %v", err)
	}
	for i := range files {
		if files[i].Path != again[i].Path || !bytes.Equal(files[i].Data, again[i].Data) {
			t.Errorf("%s: generating twice gives different bytes", files[i].Path)
		}
	}
	if _, err := Write(proj, files, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if stale, err := Check(proj, files); err != nil || len(stale) > 0 {
		t.Errorf("Check right after Write: %v, %v", stale, err)
	}
	tree := map[string][]byte{}
	for rel, data := range readTree(t, ".") {
		if old, found := before[rel]; !found || !bytes.Equal(old, data) {
			tree[rel] = data
		}
	}
	for _, f := range files {
		if _, found := tree[f.Path]; !found {
			t.Errorf("%s: generated but not written", f.Path)
		}
	}
	if len(tree) != len(files) {
		t.Errorf("wrote %d files, generated %d: luagen touched something else", len(tree), len(files))
	}
	return tree, true
}

// TestGoldenCompiles builds and vets every expected tree in one module that
// uses this repository's runtime, so goldens cannot drift into code that
// does not compile. Trees with go-redis packages build in a second module,
// which also uses the go-redis runtime module (goredis/), and only once that
// module is in the repository.
func TestGoldenCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build and go vet")
	}
	rueidisMod, goRedisMod := t.TempDir(), t.TempDir()
	var rueidisCases, goRedisCases []string
	for _, name := range goldenCases(t) {
		want := filepath.Join(goldenDir, name, "want")
		if _, err := os.Stat(want); err != nil {
			continue
		}
		if usesGoRedis(t, want) {
			copyTree(t, want, filepath.Join(goRedisMod, name), nil)
			goRedisCases = append(goRedisCases, name)
		} else {
			copyTree(t, want, filepath.Join(rueidisMod, name), nil)
			rueidisCases = append(rueidisCases, name)
		}
	}
	if len(rueidisCases) == 0 || len(goRedisCases) == 0 {
		t.Fatalf("golden cases with want/: %d on rueidis only, %d with go-redis; want some of each", len(rueidisCases), len(goRedisCases))
	}
	writeTestModule(t, rueidisMod, "example.com/golden")
	goBuild(t, rueidisMod)

	if !testmod.HasGoRedis("..") {
		t.Logf("not building the go-redis goldens (%s): goredis/go.mod is absent, so the go-redis runtime module is not in this checkout yet; they build once it is", strings.Join(goRedisCases, ", "))
		return
	}
	testmod.WriteGoRedis(t, goRedisMod, "example.com/golden", "..")
	goBuild(t, goRedisMod)
}

// usesGoRedis reports whether a generated tree holds a go-redis package.
func usesGoRedis(t *testing.T, dir string) bool {
	for _, data := range readTree(t, dir) {
		if bytes.Contains(data, []byte(`"github.com/luagen/luagen/goredis"`)) {
			return true
		}
	}
	return false
}

// goBuild runs go build and go vet on every package of the module in dir.
func goBuild(t *testing.T, dir string) {
	t.Helper()
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: go %s: %v\n%s", dir, strings.Join(args, " "), err, out)
		}
	}
}

// writeTestModule writes a go.mod that requires this repository (replaced by
// the local copy) with the repository's own requirements and go.sum, so the
// build needs nothing beyond the module cache.
func writeTestModule(t *testing.T, dir, path string) {
	testmod.Write(t, dir, path, "..")
}

func copyTree(t *testing.T, from, to string, skip func(rel string) bool) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if skip != nil && skip(filepath.ToSlash(rel)) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
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

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	tree := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		tree[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func writeFile(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

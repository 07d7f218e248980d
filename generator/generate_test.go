package generator

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/luagen/luagen/generator/emit"
	"github.com/luagen/luagen/generator/model"
)

// testProject is a one-package project in a temp module, built by hand so
// these tests do not depend on the front end.
func testProject(t *testing.T, scripts ...string) *model.Project {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/app // the app\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pkg := &model.Package{Name: "limiter", Scripts: "scripts", Out: "internal/limiter"}
	for _, name := range scripts {
		pkg.Files = append(pkg.Files, &model.Script{
			File: "scripts/" + name + ".lua", Source: "return 1\n", Name: name,
			GoName: strings.ToUpper(name[:1]) + name[1:], Result: model.Result{Type: model.TypeInt64},
		})
	}
	return &model.Project{ConfigPath: filepath.Join(root, "luagen.yaml"), Root: root, ModuleRoot: root, Packages: []*model.Package{pkg}}
}

func mustGenerate(t *testing.T, proj *model.Project) []File {
	t.Helper()
	files, err := Generate(proj)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestGenerateImportPath(t *testing.T) {
	proj := testProject(t, "take")
	files := mustGenerate(t, proj)
	if len(files) != 2 || files[0].Path != "internal/limiter/luagen.go" || files[1].Path != "internal/limiter/take.luagen.go" {
		t.Fatalf("paths: %v", paths(files))
	}
	// The config lives in a subfolder of the module: the import path
	// includes it.
	sub := filepath.Join(proj.Root, "svc")
	proj.Root = sub
	p, err := importPathOf(proj, "example.com/app", "internal/limiter")
	if err != nil || p != "example.com/app/svc/internal/limiter" {
		t.Errorf("import path %q, %v", p, err)
	}
	if _, err := importPathOf(proj, "example.com/app", "../../elsewhere"); err == nil {
		t.Error("out outside the module accepted")
	}
	for gomod, want := range map[string]string{
		"module example.com/a\n":                "example.com/a",
		"// c\nmodule \"example.com/q\" // x\n": "example.com/q",
		"go 1.26\nmodule\texample.com/tab\n":    "example.com/tab",
		"modules x\nmodule example.com/after\n": "example.com/after",
		"module (\n\texample.com/paren\n)\n":    "",
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644)
		got, err := modulePath(dir)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("%q: got %q, %v; want %q", gomod, got, err, want)
		}
	}
}

func TestGenerateRejectsSharedOut(t *testing.T) {
	proj := testProject(t, "take")
	other := *proj.Packages[0]
	other.Name = "other"
	other.Out = "internal/limiter/"
	proj.Packages = append(proj.Packages, &other)
	if _, err := Generate(proj); err == nil || !strings.Contains(err.Error(), "both write to internal/limiter") {
		t.Fatalf("got %v", err)
	}
}

func TestGenerateTwiceIsIdentical(t *testing.T) {
	proj := testProject(t, "take", "give")
	a, b := mustGenerate(t, proj), mustGenerate(t, proj)
	if len(a) != len(b) {
		t.Fatal("different file sets")
	}
	for i := range a {
		if a[i].Path != b[i].Path || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Errorf("%s differs between runs", a[i].Path)
		}
	}
}

func TestWrite(t *testing.T) {
	proj := testProject(t, "take", "give")
	out := filepath.Join(proj.Root, "internal", "limiter")
	files := mustGenerate(t, proj)

	sum, err := Write(proj, files, WriteOptions{DryRun: true})
	if err != nil || len(sum.Written) != 3 {
		t.Fatalf("dry run: %+v, %v", sum, err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatal("dry run wrote the out folder")
	}
	sum, err = Write(proj, files, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Written) != 3 || len(sum.Unchanged) != 0 || len(sum.Removed) != 0 {
		t.Fatalf("first write: %+v", sum)
	}
	// Files the user keeps next to generated ones are left alone.
	userFile := filepath.Join(out, "extra.go")
	os.WriteFile(userFile, []byte("package limiter\n"), 0o644)

	sum, err = Write(proj, files, WriteOptions{})
	if err != nil || len(sum.Written) != 0 || len(sum.Unchanged) != 3 {
		t.Fatalf("second write: %+v, %v", sum, err)
	}

	// A removed script: its generated file is stale and goes.
	proj.Packages[0].Files = proj.Packages[0].Files[:1]
	files = mustGenerate(t, proj)
	stale, err := Check(proj, files)
	if err != nil || len(stale) != 2 {
		t.Fatalf("check: %+v, %v", stale, err)
	}
	sum, err = Write(proj, files, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(sum.Removed, ",") != "internal/limiter/give.luagen.go" || strings.Join(sum.Written, ",") != "internal/limiter/luagen.go" {
		t.Fatalf("after removing a script: %+v", sum)
	}
	if _, err := os.Stat(filepath.Join(out, "give.luagen.go")); !os.IsNotExist(err) {
		t.Error("stale file not removed")
	}
	if _, err := os.Stat(userFile); err != nil {
		t.Error("user file removed")
	}
	if stale, err := Check(proj, files); err != nil || len(stale) != 0 {
		t.Fatalf("check after write: %+v, %v", stale, err)
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".luagen-") {
			t.Errorf("temp file left: %s", e.Name())
		}
	}
}

func TestWriteRefusesUserFile(t *testing.T) {
	proj := testProject(t, "take")
	out := filepath.Join(proj.Root, "internal", "limiter")
	os.MkdirAll(out, 0o755)
	mine := []byte("// My own code.\npackage limiter\n")
	os.WriteFile(filepath.Join(out, "take.luagen.go"), mine, 0o644)
	// A stale generated file that must survive the failed run too.
	staleData := []byte(emit.Header + "\n\npackage limiter\n")
	os.WriteFile(filepath.Join(out, "old.luagen.go"), staleData, 0o644)

	_, err := Write(proj, mustGenerate(t, proj), WriteOptions{})
	if err == nil || !strings.Contains(err.Error(), "take.luagen.go: exists and was not generated by luagen") {
		t.Fatalf("got %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "take.luagen.go")); !bytes.Equal(got, mine) {
		t.Error("user file overwritten")
	}
	if _, err := os.Stat(filepath.Join(out, "luagen.go")); !os.IsNotExist(err) {
		t.Error("wrote luagen.go although the run failed")
	}
	if got, _ := os.ReadFile(filepath.Join(out, "old.luagen.go")); !bytes.Equal(got, staleData) {
		t.Error("stale file removed although the run failed")
	}
}

func TestWriteOnlyIntoOutFolders(t *testing.T) {
	proj := testProject(t, "take")
	for _, p := range []string{"luagen.go", "internal/other/x.go", "internal/limiter/../../x.go", "internal/limiter/sub/x.go"} {
		if _, err := Write(proj, []File{{Path: p, Data: []byte(emit.Header + "\n")}}, WriteOptions{}); err == nil {
			t.Errorf("%s: written", p)
		}
	}
}

func TestCheckDiffs(t *testing.T) {
	proj := testProject(t, "take")
	files := mustGenerate(t, proj)
	stale, err := Check(proj, files)
	if err != nil || len(stale) != 2 || stale[0].Kind != Missing || !strings.HasPrefix(stale[0].Diff, "--- /dev/null\n+++ /") {
		t.Fatalf("missing: %+v, %v", stale, err)
	}
	if _, err := Write(proj, files, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(proj.Root, "internal", "limiter", "take.luagen.go")
	edited := bytes.Replace(files[1].Data, []byte("return"), []byte("return // edited"), 1)
	os.WriteFile(target, edited, 0o644)
	stale, err = Check(proj, files)
	if err != nil || len(stale) != 1 || stale[0].Kind != Modified {
		t.Fatalf("modified: %+v, %v", stale, err)
	}
	if !strings.Contains(stale[0].Diff, "\n-const TakeSource = `return // edited 1\n+const TakeSource = `return 1\n") {
		t.Errorf("diff:\n%s", stale[0].Diff)
	}
}

func paths(files []File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Path)
	}
	return out
}

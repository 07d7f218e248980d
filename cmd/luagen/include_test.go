package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIncludes runs the CLI on scripts that include shared files: a
// finding inside an include names the include and the script that
// includes it, also with -f from another folder and in -json, and check
// notices an edited include, since the generated Source holds it.
func TestIncludes(t *testing.T) {
	caseDir, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "golden", "include_diamond"))
	root := t.TempDir()
	work := filepath.Join(root, "app")
	copyDir(t, caseDir, work)
	os.RemoveAll(filepath.Join(work, "want"))
	os.WriteFile(filepath.Join(work, "go.mod"), []byte("module example.com/app\n\ngo 1.26\n"), 0o644)
	want, _ := os.ReadFile(filepath.Join(caseDir, "stderr.txt"))

	code, stdout, stderr := runIn(t, work, "generate")
	if code != 0 || stderr != string(want) || !strings.HasPrefix(stdout, "luagen: 2 scripts, 3 files written") {
		t.Fatalf("generate: exit %d\nstdout %q\nstderr:\n%s", code, stdout, stderr)
	}
	code, _, stderr = runIn(t, root, "check", "-f", "app/luagen.yaml")
	if code != 0 || stderr != strings.ReplaceAll(string(want), "scripts/", "app/scripts/") {
		t.Errorf("check -f from the parent folder: exit %d\nstderr:\n%s", code, stderr)
	}
	code, stdout, _ = runIn(t, work, "vet", "-json")
	var findings []struct {
		File         string
		IncludedFrom []struct {
			File string
			Line int
		} `json:"included_from"`
	}
	if err := json.Unmarshal([]byte(stdout), &findings); err != nil || code != 0 || len(findings) != 1 || // a warning alone exits 0
		findings[0].File != "scripts/includes/notify.lua" || len(findings[0].IncludedFrom) != 1 ||
		findings[0].IncludedFrom[0].File != "scripts/add_job.lua" || findings[0].IncludedFrom[0].Line != 10 {
		t.Errorf("vet -json: exit %d, %v\n%s", code, err, stdout)
	}

	// Both scripts include stamp.lua: editing it makes both stale.
	stamp := filepath.Join(work, "scripts", "includes", "stamp.lua")
	src, _ := os.ReadFile(stamp)
	os.WriteFile(stamp, []byte(strings.Replace(string(src), "math.floor(t[2] / 1000)", "math.floor(t[2] / 1e3)", 1)), 0o644)
	code, stdout, stderr = runIn(t, work, "check")
	if code != 1 || !strings.Contains(stdout, "+  return t[1] * 1000 + math.floor(t[2] / 1e3)") ||
		!strings.Contains(stderr, "jobs/add_job.luagen.go: modified\n") || !strings.Contains(stderr, "jobs/remove_job.luagen.go: modified\n") {
		t.Errorf("check after editing an include: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}

	// A file that is only included needs no header even in the scripts
	// folder; a stray one without a header still must have one.
	os.Rename(stamp, filepath.Join(work, "scripts", "stamp.lua"))
	for _, f := range []string{"add_job.lua", "remove_job.lua", "includes/store_job.lua", "includes/notify.lua"} {
		p := filepath.Join(work, "scripts", filepath.FromSlash(f))
		b, _ := os.ReadFile(p)
		b = []byte(strings.ReplaceAll(strings.ReplaceAll(string(b), `"includes/stamp"`, `"stamp"`), `"stamp"`, `"../stamp"`))
		if !strings.Contains(f, "/") {
			b = []byte(strings.ReplaceAll(string(b), `"../stamp"`, `"stamp"`))
		}
		os.WriteFile(p, b, 0o644)
	}
	if code, stdout, stderr := runIn(t, work, "generate"); code != 0 || !strings.HasPrefix(stdout, "luagen: 2 scripts") {
		t.Errorf("generate with an include in the scripts folder: exit %d\nstdout %q\nstderr:\n%s", code, stdout, stderr)
	}
	os.WriteFile(filepath.Join(work, "scripts", "stray.lua"), []byte("return 1\n"), 0o644)
	if code, _, stderr := runIn(t, work, "generate"); code != 2 || !strings.Contains(stderr, "scripts/stray.lua:1:1: header: no luagen header") {
		t.Errorf("generate with a stray file: exit %d\nstderr:\n%s", code, stderr)
	}
}

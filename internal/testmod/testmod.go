// Package testmod writes, for tests, a Go module that uses this repository:
// its go.mod requires github.com/luagen/luagen, replaced by the local
// checkout, with the repository's own requirements and go.sum, so that
// building generated code needs nothing beyond the module cache (run the
// go command with GOFLAGS=-mod=mod and GOWORK=off).
package testmod

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Write writes dir/go.mod for the module path and dir/go.sum. repo is the
// repository's root folder (relative to the test's package, such as
// "../.."), where its go.mod is.
func Write(t testing.TB, dir, path, repo string) {
	t.Helper()
	repo, err := filepath.Abs(repo)
	if err != nil {
		t.Fatal(err)
	}
	goMod, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var requires string
	if i := bytes.Index(goMod, []byte("\nrequire")); i >= 0 {
		requires = string(goMod[i+1:])
	}
	mod := "module " + path + "\n\ngo 1.26\n\nrequire github.com/luagen/luagen v0.0.0\n\n" + requires +
		"\nreplace github.com/luagen/luagen => " + repo + "\n"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	if sum, err := os.ReadFile(filepath.Join(repo, "go.sum")); err == nil {
		if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

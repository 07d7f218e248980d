package vet_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/luagen/luagen/generator"
	"github.com/luagen/luagen/generator/diag"
)

// FuzzVet runs the whole per-script pipeline (generator.LoadScript: header,
// generator/check, vet's checks, suppressions) on arbitrary bytes: it must
// not panic, and every finding must point into the file and carry a known
// check name and that check's default severity.
func FuzzVet(f *testing.F) {
	scripts, _ := filepath.Glob(filepath.Join(vetCases, "*", "*.lua"))
	for _, p := range scripts {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		// Lua also breaks lines at a lone \r, and generator/check follows
		// gopher-lua there, so count both.
		lines := 1
		for _, c := range src {
			if c == '\n' || c == '\r' {
				lines++
			}
		}
		_, diags := generator.LoadScript("f.lua", src)
		for _, d := range diags {
			if d.File != "f.lua" || d.Line < 0 || d.Line > lines || d.Col < 0 {
				t.Errorf("finding outside the file (%d lines): %s", lines, d)
			}
			if c, ok := diag.Lookup(string(d.Check)); !ok {
				t.Errorf("unknown check name: %s", d)
			} else if d.Severity != c.Severity {
				t.Errorf("finding of severity %s, but diag.Checks says %s: %s", d.Severity, c.Severity, d)
			}
		}
	})
}

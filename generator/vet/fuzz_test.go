package vet

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// FuzzVet runs the whole vet pipeline (header, generator/check, vet's
// checks, suppressions) on arbitrary bytes: it must not panic, and every
// finding must point into the file and carry a known check name.
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
		for _, d := range vetFile("f.lua", src) {
			if d.File != "f.lua" || d.Line < 0 || d.Line > lines || d.Col < 0 {
				t.Errorf("finding outside the file (%d lines): %s", lines, Format(d))
			}
			if d.Check != "" && d.Check != IgnoreDirective && !slices.Contains(Checks, d.Check) {
				t.Errorf("unknown check name: %s", Format(d))
			}
		}
	})
}

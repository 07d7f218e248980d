package vet_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/luagen/luagen/generator"
)

// TestExamplesAndGoldensClean loads every luagen.yaml of examples/ and of
// the succeeding cases of testdata/golden through generator.Load, which
// runs vet, and expects no finding but those a golden case records on
// purpose in its stderr.txt. A script that needs to break a rule says so
// with a luagen:ignore comment and a reason.
func TestExamplesAndGoldensClean(t *testing.T) {
	var configs []string
	for _, pattern := range []string{"../../examples/*/luagen.yaml", "../../testdata/golden/*/luagen.yaml"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		configs = append(configs, m...)
	}
	n := 0
	for _, cfg := range configs {
		dir := filepath.Dir(cfg)
		if strings.HasPrefix(filepath.Base(dir), "err_") {
			continue
		}
		n++
		t.Run(filepath.Base(filepath.Dir(dir))+"/"+filepath.Base(dir), func(t *testing.T) {
			proj, diags := generator.Load(cfg)
			if proj == nil {
				t.Fatalf("cannot load: %v", diags)
			}
			want, _ := os.ReadFile(filepath.Join(dir, "stderr.txt"))
			expected := strings.Split(strings.TrimSpace(string(want)), "\n")
			for _, d := range diags {
				if !slices.Contains(expected, d.String()) {
					t.Errorf("%s", d)
				}
			}
		})
	}
	if n < 10 {
		t.Errorf("only %d configs found", n)
	}
}

package vet_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/luagen/luagen/generator"
	"github.com/luagen/luagen/generator/diag"
)

var update = flag.Bool("update", false, "rewrite want.txt of every case under testdata/vet")

const vetCases = "../../testdata/vet"

// TestGolden runs what luagen vet runs on each script (generator.LoadScript:
// the header, generator/check, vet's checks, the suppressions) over each
// folder of testdata/vet: every .lua in it, named by its path in the
// folder, must give exactly the findings in its want.txt, as luagen prints
// them. Update with -update.
func TestGolden(t *testing.T) {
	cases, err := os.ReadDir(vetCases)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		t.Run(c.Name(), func(t *testing.T) {
			dir := filepath.Join(vetCases, c.Name())
			scripts, _ := filepath.Glob(filepath.Join(dir, "*.lua"))
			if len(scripts) == 0 {
				t.Fatal("no scripts")
			}
			var got strings.Builder
			for _, p := range scripts {
				src, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				_, diags := generator.LoadScript(filepath.Base(p), src)
				for _, d := range diags {
					got.WriteString(d.String() + "\n")
					if c, ok := diag.Lookup(string(d.Check)); !ok || c.Severity != d.Severity {
						t.Errorf("%s: not the severity diag.Checks gives its check", d)
					}
				}
			}
			wantFile := filepath.Join(dir, "want.txt")
			if *update {
				if err := os.WriteFile(wantFile, []byte(got.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got.String() != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got.String(), want)
			}
		})
	}
}

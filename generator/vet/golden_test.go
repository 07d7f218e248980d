package vet

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/luagen/luagen/generator/check"
	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/parse"
)

var update = flag.Bool("update", false, "rewrite want.txt of every case under testdata/vet")

const vetCases = "../../testdata/vet"

// vetFile runs what luagen vet runs on one script: the header parse,
// generator/check's body checks, vet's checks, then the suppressions, the
// way generator.Load does. file names the script in findings.
func vetFile(file string, src []byte) diag.List {
	sc, diags := parse.Script(file, src)
	body := append(check.Body(sc, src), Script(sc, src)...)
	if diags.HasErrors() {
		body = slices.DeleteFunc(body, func(d diag.Diagnostic) bool {
			return d.Check != check.Syntax && d.Check != check.Goto
		})
	}
	return Suppress(file, src, append(diags, body...))
}

// TestGolden runs vet over each folder of testdata/vet: every .lua in it,
// named by its path in the folder, must give exactly the findings in its
// want.txt, as luagen vet prints them. Update with -update.
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
				for _, d := range vetFile(filepath.Base(p), src) {
					got.WriteString(Format(d) + "\n")
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

package diag

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var updateReadme = flag.Bool("update", false, "rewrite the README's table of checks from Checks")

const (
	readmePath = "../../README.md"
	tableBegin = "<!-- checks table: generated from generator/diag.Checks by go test ./generator/diag -update -->\n"
	tableEnd   = "<!-- end of checks table -->\n"
)

// checksTable renders Checks as the README lists them.
func checksTable() string {
	var b strings.Builder
	b.WriteString("| check | default | `checks:` can change it | `luagen:ignore` can silence it | what it finds |\n|---|---|---|---|---|\n")
	for _, c := range Checks {
		change, ignore := "yes", "no"
		if c.Locked != "" {
			change = "no: " + c.Locked
		}
		if c.Ignorable {
			ignore = "yes"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", c.Name, c.Severity, change, ignore, strings.ReplaceAll(c.Doc, "|", `\|`))
	}
	return b.String()
}

// TestReadmeChecks keeps the README's table of checks, with their default
// severities, what luagen.yaml and luagen:ignore may do to them and what
// they find, equal to Checks. -update rewrites it.
func TestReadmeChecks(t *testing.T) {
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(readme, []byte(tableBegin))
	j := bytes.Index(readme, []byte(tableEnd))
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q ... %q section", tableBegin, tableEnd)
	}
	got, want := string(readme[i+len(tableBegin):j]), checksTable()
	if got == want {
		return
	}
	if *updateReadme {
		out := append(append(append([]byte{}, readme[:i+len(tableBegin)]...), want...), readme[j:]...)
		if err := os.WriteFile(readmePath, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's table of checks differs from diag.Checks (go test ./generator/diag -update rewrites it):\n%s\nwant:\n%s", got, want)
}

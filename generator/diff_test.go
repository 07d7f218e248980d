package generator

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// applyDiff applies a unified diff made by Diff to a, checking every hunk
// header and context line, so a test fails on a diff patch(1) would reject.
func applyDiff(t *testing.T, a []byte, d string) []byte {
	t.Helper()
	if d == "" {
		return a
	}
	x := splitLines(a)
	lines := strings.SplitAfter(d, "\n")
	if !strings.HasPrefix(lines[0], "--- ") || !strings.HasPrefix(lines[1], "+++ ") {
		t.Fatalf("bad file header:\n%s", d)
	}
	hdr := regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@\n$`)
	var out []string
	next := 0 // next line of x to copy
	for n := 2; n < len(lines) && lines[n] != ""; {
		m := hdr.FindStringSubmatch(lines[n])
		if m == nil {
			t.Fatalf("line %d: bad hunk header %q in\n%s", n, lines[n], d)
		}
		num := func(s string, def int) int {
			if s == "" {
				return def
			}
			v, _ := strconv.Atoi(s)
			return v
		}
		aStart, aCount, bStart, bCount := num(m[1], 0), num(m[2], 1), num(m[3], 0), num(m[4], 1)
		from := aStart - 1
		if aCount == 0 {
			from = aStart
		}
		if from < next {
			t.Fatalf("hunks overlap or go backwards at %q", lines[n])
		}
		out = append(out, x[next:from]...)
		if wantB := len(out) + 1; bCount > 0 && bStart != wantB || bCount == 0 && bStart != len(out) {
			t.Fatalf("hunk %q: +start %d, want %d", lines[n], bStart, wantB)
		}
		next = from
		n++
		gotA, gotB := 0, 0
		for n < len(lines) && lines[n] != "" && !strings.HasPrefix(lines[n], "@@") {
			l := lines[n]
			body := l[1:]
			if n+1 < len(lines) && lines[n+1] == "\\ No newline at end of file\n" {
				body = strings.TrimSuffix(body, "\n")
				n++
			}
			switch l[0] {
			case ' ', '-':
				if next >= len(x) || x[next] != body {
					t.Fatalf("context/delete line %q does not match a line %d", body, next)
				}
				next++
				gotA++
				if l[0] == ' ' {
					out = append(out, body)
					gotB++
				}
			case '+':
				out = append(out, body)
				gotB++
			default:
				t.Fatalf("bad diff line %q", l)
			}
			n++
		}
		if gotA != aCount || gotB != bCount {
			t.Fatalf("hunk counts %d,%d, header says %d,%d\n%s", gotA, gotB, aCount, bCount, d)
		}
	}
	out = append(out, x[next:]...)
	return []byte(strings.Join(out, ""))
}

func TestDiffApplies(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	words := []string{"a\n", "b\n", "c\n", "d\n", "e\n", "f"}
	gen := func() []byte {
		var b strings.Builder
		for range rng.Intn(30) {
			b.WriteString(words[rng.Intn(len(words)-1)])
		}
		if rng.Intn(3) == 0 {
			b.WriteString(words[len(words)-1]) // no final newline
		}
		return []byte(b.String())
	}
	for n := range 3000 {
		a, b := gen(), gen()
		if n%3 == 0 { // mostly-similar inputs: the generated-code case
			b = append(append([]byte(nil), a...), gen()...)
		}
		d := Diff("a", "b", a, b)
		if got := applyDiff(t, a, d); string(got) != string(b) {
			t.Fatalf("case %d: applying\n%s\nto %q gave %q, want %q", n, d, a, got, b)
		}
		x, y := splitLines(a), splitLines(b)
		edits := 0
		for _, o := range editScript(x, y) {
			if o.kind != opEqual {
				edits++
			}
		}
		if want := len(x) + len(y) - 2*lcs(x, y); edits != want {
			t.Fatalf("case %d: %d edits, minimal is %d", n, edits, want)
		}
	}
}

func TestDiffMinimalAndBounded(t *testing.T) {
	// Same hunks as GNU diff -u: changes 7 equal lines apart are split.
	a := []byte("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n")
	b := []byte("1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n11\n12\nthirteen\n")
	want := "--- a/x\n+++ b/x\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n@@ -10,4 +10,4 @@\n 10\n 11\n 12\n-13\n+thirteen\n"
	if got := Diff("a/x", "b/x", a, b); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Nothing in common and past maxEdits: a correct replacement diff.
	var big1, big2 strings.Builder
	for i := range maxEdits {
		fmt.Fprintf(&big1, "x%d\n", i)
		fmt.Fprintf(&big2, "y%d\n", i)
	}
	d := Diff("a", "b", []byte(big1.String()), []byte(big2.String()))
	if got := applyDiff(t, []byte(big1.String()), d); string(got) != big2.String() {
		t.Fatal("bounded diff does not apply")
	}
}

// TestDiffPatch checks the output against patch(1) when it is installed.
func TestDiffPatch(t *testing.T) {
	patch, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("patch not installed")
	}
	dir := t.TempDir()
	a := []byte("one\ntwo\nthree\nfour")
	b := []byte("zero\none\nthree\nfour\nfive\n")
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, a, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(patch, "-s", file)
	cmd.Stdin = strings.NewReader(Diff("a/f", "b/f", a, b))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch: %v\n%s", err, out)
	}
	got, _ := os.ReadFile(file)
	if string(got) != string(b) {
		t.Fatalf("patched to %q, want %q", got, b)
	}
}

// lcs is the length of a longest common subsequence, by dynamic programming.
func lcs(x, y []string) int {
	prev, cur := make([]int, len(y)+1), make([]int, len(y)+1)
	for i := range x {
		for j := range y {
			if x[i] == y[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(cur[j], prev[j+1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(y)]
}

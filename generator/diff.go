package generator

import (
	"bytes"
	"fmt"
	"strings"
)

// Diff returns a unified diff (3 lines of context) turning a into b, under
// the given file labels, or "" when they are equal. A missing final newline
// is marked the way diff(1) does, so the output applies with patch(1).
func Diff(labelA, labelB string, a, b []byte) string {
	if bytes.Equal(a, b) {
		return ""
	}
	x, y := splitLines(a), splitLines(b)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", labelA, labelB)
	for _, h := range hunks(editScript(x, y), 3) {
		writeHunk(&out, h, x, y)
	}
	return out.String()
}

// splitLines splits data after each "\n"; the last line may lack one.
func splitLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

type opKind byte

const (
	opEqual  opKind = ' '
	opDelete opKind = '-'
	opInsert opKind = '+'
)

// op is one line of an edit script. i and j are where it sits in x and y:
// the line itself for the sides it touches, and for the other side the
// index of the next line, which is what hunk headers need.
type op struct {
	kind opKind
	i, j int
}

// maxEdits bounds the Myers search. Past it the differing middle is shown
// as one replacement: still a correct diff, only not a minimal one, and
// memory stays bounded for files with nothing in common.
const maxEdits = 1000

// editScript is a shortest edit script from x to y (Myers, "An O(ND)
// Difference Algorithm"), run on what remains after the common prefix and
// suffix are taken off.
func editScript(x, y []string) []op {
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	var ops []op
	for i := 0; i < pre; i++ {
		ops = append(ops, op{opEqual, i, i})
	}
	ops = append(ops, myers(x[pre:len(x)-suf], y[pre:len(y)-suf], pre, pre)...)
	for k := suf; k > 0; k-- {
		ops = append(ops, op{opEqual, len(x) - k, len(y) - k})
	}
	return ops
}

// myers diffs x and y, which start at line xo and yo of the whole files.
func myers(x, y []string, xo, yo int) []op {
	n, m := len(x), len(y)
	limit := min(n+m, maxEdits)
	off := limit + 1
	// v[off+k] is the furthest x index reached on diagonal k = i-j.
	// trace[d] holds v[off-d-1 : off+d+2] as it was before step d: the
	// diagonals step d can come from, for walking back.
	v := make([]int, 2*limit+3)
	var trace [][]int
	found := -1
	for d := 0; d <= limit && found < 0; d++ {
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var i int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				i = v[off+k+1] // from diagonal k+1: insert y[j-1]
			} else {
				i = v[off+k-1] + 1 // from diagonal k-1: delete x[i-1]
			}
			j := i - k
			for i < n && j < m && x[i] == y[j] {
				i, j = i+1, j+1
			}
			v[off+k] = i
			if i >= n && j >= m {
				found = d
				break
			}
		}
	}
	if found < 0 {
		ops := make([]op, 0, n+m)
		for i := range x {
			ops = append(ops, op{opDelete, xo + i, yo})
		}
		for j := range y {
			ops = append(ops, op{opInsert, xo + n, yo + j})
		}
		return ops
	}

	var rev []op
	i, j := n, m
	for d := found; d > 0; d-- {
		pv := trace[d] // pv[k+d+1] is v[off+k]
		k := i - j
		pk := k - 1
		if k == -d || (k != d && pv[k+d] < pv[k+d+2]) {
			pk = k + 1
		}
		pi := pv[pk+d+1]
		pj := pi - pk
		for i > pi && j > pj {
			i, j = i-1, j-1
			rev = append(rev, op{opEqual, xo + i, yo + j})
		}
		if pk == k+1 {
			j--
			rev = append(rev, op{opInsert, xo + i, yo + j})
		} else {
			i--
			rev = append(rev, op{opDelete, xo + i, yo + j})
		}
	}
	for i > 0 && j > 0 {
		i, j = i-1, j-1
		rev = append(rev, op{opEqual, xo + i, yo + j})
	}
	ops := make([]op, len(rev))
	for k, o := range rev {
		ops[len(rev)-1-k] = o
	}
	return ops
}

// hunks cuts ops into hunks: each change with ctx equal lines around it,
// changes whose contexts would touch or overlap merged into one hunk.
func hunks(ops []op, ctx int) [][]op {
	var out [][]op
	start, end := -1, -1 // the open hunk's changes span ops[start+ctx:end]
	for n, o := range ops {
		if o.kind == opEqual {
			continue
		}
		if start >= 0 && n-end > 2*ctx {
			out = append(out, ops[start:min(end+ctx, len(ops))])
			start = -1
		}
		if start < 0 {
			start = max(n-ctx, 0)
		}
		end = n + 1
	}
	if start >= 0 {
		out = append(out, ops[start:min(end+ctx, len(ops))])
	}
	return out
}

func writeHunk(out *strings.Builder, h []op, x, y []string) {
	an, bn := 0, 0
	for _, o := range h {
		if o.kind != opInsert {
			an++
		}
		if o.kind != opDelete {
			bn++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(h[0].i, an), hunkRange(h[0].j, bn))
	for _, o := range h {
		var line string
		if o.kind == opInsert {
			line = y[o.j]
		} else {
			line = x[o.i]
		}
		out.WriteByte(byte(o.kind))
		out.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange formats a side of a hunk header as diff -u does: 1-based first
// line and count, the count left out when 1, and for an empty side the
// number of the line before it.
func hunkRange(first, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", first)
	case 1:
		return fmt.Sprintf("%d", first+1)
	}
	return fmt.Sprintf("%d,%d", first+1, count)
}

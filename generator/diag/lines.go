package diag

import (
	"bytes"
	"sort"
)

// Lines is a file's line table. Findings carry lines and byte columns, as
// compilers do; Lines turns byte offsets into them. Lines are counted at
// '\n'.
type Lines struct {
	src    []byte
	starts []int // byte offset of each line's start
}

// NewLines builds the line table of src.
func NewLines(src []byte) Lines {
	starts := make([]int, 1, bytes.Count(src, []byte("\n"))+1)
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return Lines{src: src, starts: starts}
}

// Pos returns the 1-based line and byte column of offset off.
func (l Lines) Pos(off int) (line, col int) {
	// The first line starting after off is the one after off's line.
	line = sort.SearchInts(l.starts, off+1)
	return line, off - l.starts[line-1] + 1
}

// LineText returns line n without its line break ("\n" or "\r\n"), or nil
// when there is no such line.
func (l Lines) LineText(n int) []byte {
	if n < 1 || n > len(l.starts) {
		return nil
	}
	start, end := l.starts[n-1], len(l.src)
	if n < len(l.starts) {
		end = l.starts[n] - 1
	}
	return bytes.TrimSuffix(l.src[start:end], []byte("\r"))
}

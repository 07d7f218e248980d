package luasrc

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/luagen/luagen/generator/diag"
)

// A line comment
//
//	--- @include "path"
//
// (or -- @include "path"), alone on its line, inserts the file at path,
// relative to the including file's folder, ".lua" added when left out.
// Flatten does what BullMQ's script loader does: a file reached twice is
// inserted once, where it is first reached, its later @include lines
// become empty lines; the @include line itself is replaced by the file.
// Redis gets the flattened text; Map says where each of its lines comes
// from, so that findings name the original file and line.

var (
	// directiveStart is a line comment that means to be an @include.
	directiveStart = regexp.MustCompile(`^---?[ \t]*@include\b`)
	// directive is a well-formed one; the path is quoted with ".
	directive = regexp.MustCompile(`^---?[ \t]*@include[ \t]+"([^"]*)"[ \t\r]*$`)
)

// Map says where each line of a flattened script comes from.
type Map struct {
	// Files are the files of the script: Files[0] is the script itself,
	// then each included file once, in the order they were reached.
	Files []Included
	// Spans cover the flattened text's lines, sorted by Line; the first
	// starts at line 1.
	Spans []Span
}

// Included is one file of a flattened script.
type Included struct {
	Name string // as findings name it, like File.Name
	// Parent is the index in Map.Files of the file whose @include line
	// (its line Line) inserted this one; -1 for the script itself.
	Parent int
	Line   int
}

// Span says that the flattened text's lines from Line up to the next
// span's are lines From, From+1, ... of Files[File].
type Span struct {
	Line, File, From int
}

// Origin returns the file (an index into m.Files) and the line in it of
// line of the flattened text. Lines past the end count on from the last
// span.
func (m *Map) Origin(line int) (file, fileLine int) {
	i := sort.Search(len(m.Spans), func(i int) bool { return m.Spans[i].Line > line }) - 1
	if i < 0 {
		return 0, line
	}
	s := m.Spans[i]
	return s.File, s.From + line - s.Line
}

// Via is the chain of @include lines that inserted Files[file], from the
// script down; nil for the script itself.
func (m *Map) Via(file int) []diag.Site {
	var out []diag.Site
	for file > 0 {
		inc := m.Files[file]
		out = append(out, diag.Site{File: m.Files[inc.Parent].Name, Line: inc.Line})
		file = inc.Parent
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Locate moves a finding made at a line of the flattened text to the file
// and line it comes from. Findings without a line stay as they are.
func (m *Map) Locate(d *diag.Diagnostic) {
	if m == nil || d.Line <= 0 {
		return
	}
	file, line := m.Origin(d.Line)
	d.File, d.Line, d.Via = m.Files[file].Name, line, m.Via(file)
}

// IncludePath returns the file an @include line of the file name means by
// target: relative to name's folder, cleaned, with ".lua" added when left
// out. Names are slash-separated.
func IncludePath(name, target string) string {
	p := path.Clean(path.Join(path.Dir(name), target))
	if !strings.HasSuffix(p, ".lua") {
		p += ".lua"
	}
	return p
}

// Flatten inserts every file that src, the script file name, includes,
// directly or not. read returns a file's bytes by its name (built from
// name with IncludePath, so relative to the same folder). It returns the
// flattened text and its map; when src includes nothing, the text is src
// and the map nil. Findings (check "include") are about @include lines
// that are malformed, come before the luagen header, or name a file that
// cannot be read, has a shebang or closes a cycle; such a line is left in
// the text as it is, a comment.
func Flatten(name string, src []byte, read func(name string) ([]byte, error)) ([]byte, *Map, diag.List) {
	if !bytes.Contains(src, []byte("@include")) {
		return src, nil, nil
	}
	fl := &flattener{read: read, seen: map[string]bool{name: true}, atStart: true}
	fl.m.Files = []Included{{Name: name, Parent: -1}}
	fl.file(0, src, true)
	if len(fl.m.Files) == 1 {
		return src, nil, fl.diags
	}
	for i, o := range fl.origins {
		if n := len(fl.m.Spans); n > 0 {
			last := fl.m.Spans[n-1]
			if last.File == o.file && last.From+(i+1-last.Line) == o.line {
				continue
			}
		}
		fl.m.Spans = append(fl.m.Spans, Span{Line: i + 1, File: o.file, From: o.line})
	}
	return fl.out.Bytes(), &fl.m, fl.diags
}

type flattener struct {
	read    func(string) ([]byte, error)
	out     bytes.Buffer
	m       Map
	origins []origin // of each line of out
	atStart bool     // the next byte starts a line of out
	seen    map[string]bool
	diags   diag.List
}

type origin struct{ file, line int }

// write appends text, whose first byte is at line of file m.Files[file].
func (fl *flattener) write(text []byte, file, line int) {
	for len(text) > 0 {
		if fl.atStart {
			fl.origins = append(fl.origins, origin{file, line})
			fl.atStart = false
		}
		nl := bytes.IndexByte(text, '\n')
		if nl < 0 {
			fl.out.Write(text)
			return
		}
		fl.out.Write(text[:nl+1])
		text = text[nl+1:]
		fl.atStart = true
		line++
	}
}

func (fl *flattener) errorf(file, line, col int, format string, args ...any) {
	d := diag.Errorf(fl.m.Files[file].Name, line, col, diag.Include, format, args...)
	d.Via = fl.m.Via(file)
	fl.diags = append(fl.diags, d)
}

// file writes src, the bytes of m.Files[idx], with its includes inserted.
func (fl *flattener) file(idx int, src []byte, script bool) {
	name := fl.m.Files[idx].Name
	dirs, header := directives(src)
	line := 0
	for len(src) > 0 {
		line++
		end := bytes.IndexByte(src, '\n') + 1
		if end == 0 {
			end = len(src)
		}
		text := src[:end]
		src = src[end:]
		d, ok := dirs[line]
		if !ok {
			fl.write(text, idx, line)
			continue
		}
		nl := text[len(text)-1:]
		if nl[0] != '\n' {
			nl = nil
		}
		target := IncludePath(name, d.path)
		switch {
		case d.bad:
			fl.errorf(idx, line, d.col, `malformed @include; write --- @include "path", alone on its line, with the path in double quotes`)
		case d.path == "" || path.IsAbs(d.path) || strings.Contains(d.path, `\`):
			fl.errorf(idx, line, d.col, `@include %q: the path must be a non-empty, slash-separated path relative to %s's folder`, d.path, name)
		case script && header > 0 && line < header:
			fl.errorf(idx, line, d.col, "@include comes before the luagen header (line %d); move it below the header", header)
		case fl.includes(idx, target):
			chain := []string{target}
			for i := idx; fl.m.Files[i].Name != target; i = fl.m.Files[i].Parent {
				chain = append([]string{fl.m.Files[i].Name}, chain...)
			}
			chain = append([]string{target}, chain...)
			fl.errorf(idx, line, d.col, "@include %q closes a cycle: %s; a file cannot include itself, directly or not", d.path, strings.Join(chain, " → "))
		case fl.seen[target]:
			// Inserted already, earlier in the script: it is not inserted
			// again (its functions are defined once).
			fl.write(nl, idx, line)
			continue
		default:
			body, err := fl.read(target)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				fl.errorf(idx, line, d.col, "@include %q: %s does not exist (the path is relative to %s's folder; .lua may be left out)", d.path, target, name)
			case err != nil:
				fl.errorf(idx, line, d.col, "@include %q: cannot read %s: %v", d.path, target, err)
			case bytes.HasPrefix(body, []byte("#!")):
				fl.errorf(idx, line, d.col, "@include %q: %s starts with a shebang line, which only the script itself may have", d.path, target)
			default:
				fl.seen[target] = true
				fl.m.Files = append(fl.m.Files, Included{Name: target, Parent: idx, Line: line})
				fl.file(len(fl.m.Files)-1, body, false)
				fl.write(nl, idx, line)
				continue
			}
		}
		fl.write(text, idx, line) // left as it is: a comment
	}
}

// includes reports whether target is Files[idx] or one of the files that
// include it.
func (fl *flattener) includes(idx int, target string) bool {
	for i := idx; i >= 0; i = fl.m.Files[i].Parent {
		if fl.m.Files[i].Name == target {
			return true
		}
	}
	return false
}

type includeLine struct {
	path string
	col  int
	bad  bool // means to be an @include, but is not written as one
}

// directives finds the @include lines of src, by line: line comments
// with nothing but blanks before them. It also returns the line of the
// luagen header's opener, or 0. Text after a lexical error is read line
// by line.
func directives(src []byte) (map[int]includeLine, int) {
	if !bytes.Contains(src, []byte("@include")) {
		return nil, 0
	}
	text := src
	if bytes.HasPrefix(src, []byte("#!")) {
		text = bytes.Clone(src)
		for i := 0; i < len(text) && text[i] != '\n'; i++ {
			text[i] = ' '
		}
	}
	lines := diag.NewLines(text)
	out := map[int]includeLine{}
	header := 0
	add := func(line, col int, comment string) {
		if !directiveStart.MatchString(comment) {
			return
		}
		if m := directive.FindStringSubmatch(comment); m != nil {
			out[line] = includeLine{path: m[1], col: col}
		} else {
			out[line] = includeLine{col: col, bad: true}
		}
	}
	_, comments, lexErr := lex(text)
	for _, c := range comments {
		if c.Long() {
			if header == 0 && strings.HasPrefix(c.Body(), "luagen") {
				header = c.Line
			}
			continue
		}
		if len(bytes.Trim(lines.LineText(c.Line)[:c.Col-1], " \t")) == 0 {
			add(c.Line, c.Col, c.Text)
		}
	}
	if lexErr != nil {
		for n := lexErr.Line + 1; ; n++ {
			t := lines.LineText(n)
			if t == nil {
				break
			}
			trimmed := bytes.TrimLeft(t, " \t")
			add(n, len(t)-len(trimmed)+1, string(trimmed))
		}
	}
	return out, header
}

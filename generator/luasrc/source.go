// Package luasrc is a Lua script as every stage of luagen reads it,
// prepared once and shared: its bytes, a line table, its tokens and
// comments with their positions, gopher-lua's syntax tree, and a walk of
// that tree that resolves each name to a local or a global (walk.go).
//
// gopher-lua's AST carries lines but no columns. Columns come from the
// tokens of a small Lua 5.1 lexer (lex.go), which also says what
// gopher-lua's does not: where an unfinished string starts, and that goto
// is a plain name in Lua 5.1. Findings about a script take their position
// from File.Errorf and File.Warnf, so that a position is mapped in one
// place: a script with @include lines is prepared flattened (include.go),
// and its Map turns a line of the flattened text into the file and line
// the user wrote.
package luasrc

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"

	"github.com/luagen/luagen/generator/diag"
)

// File is one prepared script. Prepare fills it; nothing changes it after.
type File struct {
	Name string // the path findings name: slash-separated, relative
	Src  []byte // the file as written; Redis gets exactly these bytes
	// Text is Src with a shebang line blanked: Redis strips the shebang but
	// keeps its line break, so lines and columns in Text are the file's.
	Text []byte
	diag.Lines
	Tokens   []Token
	Comments []Comment
	LexErr   *LexError // the first lexical error; Tokens and Comments stop there
	// Stmts is gopher-lua's tree of Text, nil when it does not lex or parse.
	Stmts []ast.Stmt
	// ParseErr says why gopher-lua could not parse Text (a *parse.Error,
	// or ErrNoTree); nil after a lexical error, since it is not asked then.
	ParseErr error
	// Map says where the lines of a flattened script come from; nil for a
	// script that includes nothing, whose lines are its own.
	Map *Map

	program *Program
}

// ErrNoTree is the ParseErr of a body gopher-lua gave up on without an
// error of its own.
var ErrNoTree = errors.New("cannot parse the body")

// Prepare lexes and parses src, the script file named name.
func Prepare(name string, src []byte) *File {
	return PrepareFlat(name, src, nil)
}

// PrepareFlat lexes and parses src, the script file named name flattened
// (Flatten), whose lines come from where m says; m may be nil.
func PrepareFlat(name string, src []byte, m *Map) *File {
	f := &File{Name: name, Src: src, Text: src, Map: m}
	if bytes.HasPrefix(src, []byte("#!")) {
		f.Text = bytes.Clone(src)
		for i := 0; i < len(f.Text) && f.Text[i] != '\n'; i++ {
			f.Text[i] = ' '
		}
	}
	f.Lines = diag.NewLines(f.Text)
	f.Tokens, f.Comments, f.LexErr = lex(f.Text)
	if f.LexErr == nil {
		f.Stmts, f.ParseErr = parseLua(f.forParser(), name)
	}
	return f
}

// Shebang returns the first line when it starts with "#!", else "".
func (f *File) Shebang() string {
	if !bytes.HasPrefix(f.Src, []byte("#!")) {
		return ""
	}
	line, _, _ := bytes.Cut(f.Src, []byte("\n"))
	return string(bytes.TrimSuffix(line, []byte("\r")))
}

// Errorf makes an error finding of check at line and col of the script,
// which it names by the file and line they come from.
func (f *File) Errorf(line, col int, check diag.Check, format string, args ...any) diag.Diagnostic {
	d := diag.Errorf(f.Name, line, col, check, format, args...)
	f.Map.Locate(&d)
	return d
}

// Warnf makes a warning finding of check at line and col of the script,
// which it names by the file and line they come from.
func (f *File) Warnf(line, col int, check diag.Check, format string, args ...any) diag.Diagnostic {
	d := diag.Warnf(f.Name, line, col, check, format, args...)
	f.Map.Locate(&d)
	return d
}

// Origin returns the file and line that line of the script comes from.
func (f *File) Origin(line int) (name string, fileLine int) {
	if f.Map == nil {
		return f.Name, line
	}
	file, fileLine := f.Map.Origin(line)
	return f.Map.Files[file].Name, fileLine
}

// LineRef names line of the script in a message: "line 12", or "line 12
// of scripts/includes/x.lua" in a script that includes others.
func (f *File) LineRef(line int) string {
	name, l := f.Origin(line)
	if f.Map == nil {
		return fmt.Sprintf("line %d", l)
	}
	return fmt.Sprintf("line %d of %s", l, name)
}

// Owns reports whether name is the script or a file it includes.
func (f *File) Owns(name string) bool {
	if f.Map == nil {
		return name == f.Name
	}
	for _, inc := range f.Map.Files {
		if inc.Name == name {
			return true
		}
	}
	return false
}

// TokenPos returns the line and column of Tokens[i], or fallbackLine and
// column 1 when i is unknown (-1).
func (f *File) TokenPos(i, fallbackLine int) (line, col int) {
	if i < 0 || i >= len(f.Tokens) {
		return fallbackLine, 1
	}
	return f.Tokens[i].Line, f.Tokens[i].Col
}

// parseLua runs gopher-lua's parser, turning its panics and its silent
// failures into ErrNoTree.
func parseLua(text []byte, name string) (stmts []ast.Stmt, err error) {
	defer func() {
		if recover() != nil {
			stmts, err = nil, ErrNoTree
		}
	}()
	stmts, err = parse.Parse(bytes.NewReader(text), name)
	if err == nil && stmts == nil {
		err = ErrNoTree
	}
	if err != nil {
		stmts = nil
	}
	return stmts, err
}

// forParser returns Text as gopher-lua must see it to parse what Lua 5.1
// parses: goto used as a name renamed to a name of the same length
// (gopher-lua reserves it; a goto statement is check's to report), and
// form feeds and vertical tabs outside strings, which Lua 5.1 treats as
// spaces and gopher-lua rejects, turned into spaces. Lengths stay the
// same, so lines and columns do too.
func (f *File) forParser() []byte {
	if !bytes.Contains(f.Text, []byte("goto")) && !bytes.ContainsAny(f.Text, "\f\v") {
		return f.Text
	}
	out := bytes.Clone(f.Text)
	var inString []bool
	if bytes.ContainsAny(out, "\f\v") {
		inString = make([]bool, len(out))
	}
	for i, t := range f.Tokens {
		switch {
		case t.Kind == Name && t.Text == "goto" && (i+1 == len(f.Tokens) || f.Tokens[i+1].Kind != Name):
			copy(out[t.Offset:], "_got")
		case t.Kind == String && inString != nil:
			for off := t.Offset; off < t.Offset+len(t.Text) && off < len(out); off++ {
				inString[off] = true
			}
		}
	}
	for i := 0; inString != nil && i < len(out); i++ {
		if (out[i] == '\f' || out[i] == '\v') && !inString[i] {
			out[i] = ' '
		}
	}
	return out
}

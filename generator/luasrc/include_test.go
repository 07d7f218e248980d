package luasrc

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

func reader(files map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, fmt.Errorf("open %s: %w", name, fs.ErrNotExist)
	}
}

func TestFlatten(t *testing.T) {
	files := map[string]string{
		"s/inc/a.lua":    "--- @include \"c\"\nlocal a = 1\n",
		"s/inc/b.lua":    "-- @include \"c.lua\"\nlocal b = 2", // no final newline
		"s/inc/c.lua":    "local c = 3\n",
		"s/inc/crlf.lua": "local d = 4\r\n",
	}
	src := "--[[luagen\n]]\n--- @include \"inc/a\"\n  -- @include \"inc/b\"\t\n--- @include \"inc/crlf\"\r\nreturn a + b\n"
	out, m, diags := Flatten("s/x.lua", []byte(src), reader(files))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	want := "--[[luagen\n]]\nlocal c = 3\n\nlocal a = 1\n\n\nlocal b = 2\nlocal d = 4\r\n\nreturn a + b\n"
	if string(out) != want {
		t.Fatalf("Flatten =\n%q\nwant\n%q", out, want)
	}
	// Each line of the flattened text, as file:line.
	wantLines := []string{
		"s/x.lua:1", "s/x.lua:2",
		"s/inc/c.lua:1", "s/inc/a.lua:1", "s/inc/a.lua:2", "s/x.lua:3",
		"s/inc/b.lua:1", "s/inc/b.lua:2",
		"s/inc/crlf.lua:1", "s/x.lua:5",
		"s/x.lua:6", "s/x.lua:7",
	}
	for i, w := range wantLines {
		f, l := m.Origin(i + 1)
		if got := fmt.Sprintf("%s:%d", m.Files[f].Name, l); got != w {
			t.Errorf("line %d: %s, want %s", i+1, got, w)
		}
	}
	c, _ := m.Origin(3)
	if via := fmt.Sprint(m.Via(c)); via != "[s/x.lua:3 s/inc/a.lua:1]" {
		t.Errorf("Via = %s", via)
	}
	f := PrepareFlat("s/x.lua", out, m)
	d := f.Errorf(8, 7, "lua-syntax", "boom")
	if got := d.String(); got != "s/inc/b.lua:2:7: lua-syntax: boom (included from s/x.lua:4)" {
		t.Errorf("Errorf: %s", got)
	}
	if !f.Owns("s/inc/c.lua") || f.Owns("s/inc/nope.lua") {
		t.Error("Owns")
	}
}

func TestFlattenNoIncludes(t *testing.T) {
	src := []byte("--[[luagen\n]]\n-- @includes are not here\n--[[\n--- @include \"x\"\n]]\nreturn 1")
	out, m, diags := Flatten("x.lua", src, reader(nil))
	if string(out) != string(src) || m != nil || len(diags) > 0 {
		t.Errorf("Flatten = %q, %v, %v", out, m, diags)
	}
}

func TestFlattenErrors(t *testing.T) {
	for _, tc := range []struct {
		files map[string]string
		src   string
		want  string
	}{
		{nil, "--- @include \"nope\"\n", `x.lua:1:1: include: @include "nope": nope.lua does not exist`},
		{nil, "--- @include nope\n", `x.lua:1:1: include: malformed @include`},
		{nil, "  -- @include 'nope'\n", `x.lua:1:3: include: malformed @include`},
		{nil, "--- @include \"\"\n", `x.lua:1:1: include: @include "": the path must be`},
		{nil, "--- @include \"x\"\n", `x.lua:1:1: include: @include "x" closes a cycle: x.lua → x.lua`},
		{map[string]string{"a.lua": "#!lua\nlocal a\n"}, "--- @include \"a\"\n", `starts with a shebang line`},
		{map[string]string{"a.lua": "--- @include \"b\"\n", "b.lua": "\n\n--- @include \"a\"\n"}, "--- @include \"a\"\n",
			`b.lua:3:1: include: @include "a" closes a cycle: a.lua → b.lua → a.lua; a file cannot include itself, directly or not (included from x.lua:1 → a.lua:1)`},
		{nil, "--- @include \"a\"\n--[[luagen\n]]\n", `x.lua:1:1: include: @include comes before the luagen header (line 2)`},
		// After a lexical error, lines are read one by one.
		{nil, "local s = \"unfinished\n--- @include \"nope\"\n", `x.lua:2:1: include: @include "nope": nope.lua does not exist`},
	} {
		out, _, diags := Flatten("x.lua", []byte(tc.src), reader(tc.files))
		if len(diags) != 1 || !strings.HasPrefix(diags[0].String(), tc.want) && !strings.Contains(diags[0].String(), tc.want) {
			t.Errorf("Flatten(%q): %v, want %s", tc.src, diags, tc.want)
		}
		if len(tc.files) == 0 && string(out) != tc.src {
			t.Errorf("Flatten(%q) changed the text: %q", tc.src, out)
		}
	}
}

func FuzzFlatten(f *testing.F) {
	f.Add("--- @include \"a\"\nreturn 1\n", "--- @include \"b\"\nlocal a\n", "-- @include \"a\"\n")
	f.Add("-- @include \"b\"\r\n--- @include \"a\"", "local a = [[\n--- @include \"b\"\n]]", "x")
	f.Fuzz(func(t *testing.T, src, a, b string) {
		files := map[string]string{"a.lua": a, "b.lua": b}
		out, m, _ := Flatten("x.lua", []byte(src), reader(files))
		if m == nil {
			if string(out) != src {
				t.Fatalf("no map, but the text changed: %q", out)
			}
			return
		}
		lines := strings.Count(string(out), "\n") + 1
		for l := 1; l <= lines; l++ {
			file, fl := m.Origin(l)
			if file < 0 || file >= len(m.Files) || fl < 1 {
				t.Fatalf("line %d: file %d line %d", l, file, fl)
			}
		}
		PrepareFlat("x.lua", out, m).Errorf(lines, 1, "lua-syntax", "x")
	})
}

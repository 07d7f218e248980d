package library

import (
	"strings"
	"testing"

	"github.com/luagen/luagen/generator/model"
)

// TestBuild checks the layout: every body line for line at its offset,
// flags from the shebang or readonly, and a version that is the SHA1 of
// the code before the version function.
func TestBuild(t *testing.T) {
	a := &model.Script{File: "s/a.lua", Name: "a", Source: "#!lua flags=no-writes,allow-oom\nreturn 1\n", Shebang: "#!lua flags=no-writes,allow-oom", ReadOnly: true}
	b := &model.Script{File: "s/b.lua", Name: "b", Source: "local x = 1\nreturn x", ReadOnly: true}
	c := &model.Script{File: "s/c.lua", Name: "c", Source: "return redis.call('INCR', KEYS[1])\r\n"}
	lib := Build(&model.Package{Name: "p", Scripts: "s", Library: "lib1", Files: []*model.Script{c, b, a}})
	lines := strings.Split(lib.Source, "\n")
	if lines[0] != "#!lua name=lib1" {
		t.Fatalf("first line %q", lines[0])
	}
	for _, s := range []*model.Script{a, b, c} {
		fn := lib.Functions[s]
		if fn.Name != s.Name {
			t.Errorf("%s: function %q", s.File, fn.Name)
		}
		if !strings.Contains(lines[fn.Offset-1], "function_name='"+s.Name+"'") {
			t.Errorf("%s: line %d before the body is %q", s.File, fn.Offset, lines[fn.Offset-1])
		}
		for i, want := range strings.Split(strings.TrimSuffix(s.Source, "\n"), "\n") {
			if i == 0 && s.Shebang != "" {
				want = ""
			}
			if got := lines[fn.Offset+i]; got != want {
				t.Errorf("%s: file line %d is library line %d %q; want %q", s.File, i+1, fn.Offset+i+1, got, want)
			}
		}
	}
	for _, want := range []string{"function_name='a', flags={'no-writes', 'allow-oom'}, ", "function_name='b', flags={'no-writes'}, ", "function_name='c', callback"} {
		if !strings.Contains(lib.Source, want) {
			t.Errorf("source lacks %q:\n%s", want, lib.Source)
		}
	}
	if !strings.HasSuffix(lib.Source, "function_name='luagen_version_lib1', flags={'no-writes'}, callback=function() return '"+lib.Version+"' end}\n") {
		t.Errorf("version function missing or wrong:\n%s", lib.Source)
	}
	if again := Build(&model.Package{Name: "p", Scripts: "s", Library: "lib1", Files: []*model.Script{a, b, c}}); again.Source != lib.Source {
		t.Error("output depends on the order of Files")
	}
}

func TestCheckNames(t *testing.T) {
	a := &model.Script{File: "a/x.lua", Name: "x", NamePos: model.Pos{Line: 2, Col: 7}}
	b := &model.Script{File: "b/x.lua", Name: "x", NamePos: model.Pos{Line: 3, Col: 7}}
	c := &model.Script{File: "c/y.lua", Name: "y"}
	got := CheckNames("luagen.yaml", []*model.Package{
		{Name: "a", Library: "la", Files: []*model.Script{a}},
		{Name: "b", Library: "lb", Files: []*model.Script{b}},
		{Name: "c", Library: "la", Files: []*model.Script{c}},
		{Name: "d", Files: []*model.Script{a}}, // scripts only: no function
	})
	want := []string{
		`b/x.lua:3:7: script-name: function name "x" is also the name of a/x.lua in library "la"; Redis refuses a function name used by another library on the same server: rename one script (name:)`,
		`luagen.yaml: config-field: library "la" is used by packages a and c; each FUNCTION LOAD REPLACE of one would drop the other's functions: give each package its own library`,
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("got  %s\nwant %s", got[i].String(), want[i])
		}
	}
}

package check_test

import (
	"strings"
	"testing"

	"github.com/luagen/luagen/generator/check"
	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/luasrc"
	"github.com/luagen/luagen/generator/model"
	"github.com/luagen/luagen/generator/parse"
)

// read reads the header of src, as file, and derives its names.
func read(t *testing.T, file, src string) (*model.Script, diag.List) {
	t.Helper()
	sc, diags := parse.Script(luasrc.Prepare(file, []byte(src)))
	if diags.HasErrors() {
		t.Fatalf("header errors: %v", diags)
	}
	diags = check.Names(sc)
	diags.Sort()
	return sc, diags
}

func TestNames(t *testing.T) {
	sc, diags := read(t, "scripts/take-tokens.v2.lua", `--[[luagen
keys: [bucket]
args:
  - {name: user_id}
  - {name: tags, variadic: true}
returns:
  fields: [{name: ttl_ms, type: int64}, {name: id, type: string}]
]]
`)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	got := []string{sc.Name, sc.GoName, sc.Result.StructName, sc.Keys[0].GoName, sc.Args[0].GoName, sc.Args[1].GoName, sc.Result.Fields[0].GoName, sc.Result.Fields[1].GoName}
	if want := "take_tokens_v2 TakeTokensV2 TakeTokensV2Result bucket userID tags TTLMs ID"; strings.Join(got, " ") != want {
		t.Errorf("names %q, want %q", got, want)
	}
	sc, diags = read(t, "scripts/x.lua", "--[[luagen\nname: GetUserTTL\n]]\n")
	if len(diags) > 0 || sc.Name != "GetUserTTL" || sc.GoName != "GetUserTTL" || sc.Result.StructName != "" {
		t.Errorf("declared name: %q %q %q %v", sc.Name, sc.GoName, sc.Result.StructName, diags)
	}
}

func TestNameErrors(t *testing.T) {
	h := func(yaml string) string { return "--[[luagen\n" + yaml + "]]\nreturn 1\n" }
	tests := []struct {
		name, file, src string
		want            []string
	}{
		{"bad script name", "x.lua", h("name: take-tokens\n"), []string{
			`x.lua:2:7: script-name: script name "take-tokens" is not an identifier; allowed: letters, digits and underscores, not starting with a digit`,
		}},
		{"script name without letters", "x.lua", h("name: _9\n"), []string{
			`x.lua:2:7: script-name: script name "_9" gives the Go name "9", which does not start with a letter`,
		}},
		{"empty script name", "x.lua", h("name: ''\n"), []string{
			`x.lua:2:7: script-name: script name "" is not an identifier; allowed: letters, digits and underscores, not starting with a digit`,
		}},
		{"file name not an identifier", "s/9 lives!.lua", h(""), []string{
			`s/9 lives!.lua:1:1: script-name: script name "9 lives!" from the file name is not an identifier; rename the file or set name: in the header`,
		}},
		{"declared name wins over the file name", "s/9 lives!.lua", h("name: lives\n"), nil},
		{"param names", "x.lua", h("keys:\n  - {name: b-k}\nargs:\n  - {name: type}\n  - {name: _}\n  - {name: range, type: int}\n"), []string{
			`x.lua:3:12: param-name: key name "b-k" is not an identifier; allowed: letters, digits and underscores, not starting with a digit`,
			`x.lua:5:12: param-name: arg name "type" is the Go keyword type; rename it, for example to type_arg`,
			`x.lua:6:12: param-name: arg name "_" gives the Go name "", which does not start with a letter`,
			`x.lua:7:12: param-name: arg name "range" is the Go keyword range; rename it, for example to range_arg`,
		}},
		{"variadic not last", "x.lua", h("keys:\n  - {name: a, variadic: true}\n  - b\nargs:\n  - {name: c, variadic: true}\n  - d\n"), []string{
			`x.lua:3:12: variadic-param: key a is variadic but not the last key; only the last key and the last arg may be variadic`,
			`x.lua:6:12: variadic-param: arg c is variadic but not the last arg; only the last key and the last arg may be variadic`,
		}},
		{"duplicate params", "x.lua", h("keys: [a, user_id]\nargs:\n  - a\n  - userId\n"), []string{
			`x.lua:4:5: param-name: arg name "a" is already used by the key at line 2; key and arg names must be distinct`,
			`x.lua:5:5: param-name: arg "userId" and key "user_id" (line 2) both become the Go name userID; rename one`,
		}},
		{"field names", "x.lua", h("returns:\n  type: struct\n  fields:\n    - {name: 1d, type: int64}\n    - {name: e, type: int64}\n    - {name: e, type: int64}\n    - {name: E, type: int64}\n    - {name: _2, type: int64}\n"), []string{
			`x.lua:5:14: field-name: field name "1d" is not an identifier; allowed: letters, digits and underscores, not starting with a digit`,
			`x.lua:7:14: field-name: field name "e" is already used at line 6`,
			`x.lua:8:14: field-name: fields "E" and "e" (line 6) both become the Go name E; rename one`,
			`x.lua:9:14: field-name: field name "_2" gives the Go name "2", which does not start with a letter`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := read(t, tt.file, tt.src)
			var got []string
			for _, d := range diags {
				got = append(got, d.String())
			}
			if g, w := strings.Join(got, "\n"), strings.Join(tt.want, "\n"); g != w {
				t.Errorf("got:\n%s\nwant:\n%s", g, w)
			}
		})
	}
}

// script is a checked script named name in file.
func script(t *testing.T, file, name string) *model.Script {
	t.Helper()
	sc, diags := read(t, file, "--[[luagen\nname: "+name+"\n]]\n")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return sc
}

func TestPackage(t *testing.T) {
	tests := []struct {
		name    string
		scripts [][2]string // file, name
		want    []string
	}{
		{"fine", [][2]string{{"s/a.lua", "a"}, {"s/b.lua", "b"}}, nil},
		{"same name", [][2]string{{"s/a.lua", "TakeTokens"}, {"s/b.lua", "take_tokens"}}, []string{
			`s/a.lua:2:7: script-name: script name TakeTokens is also used by s/b.lua; set a different name: in the header`,
			`s/b.lua:2:7: script-name: script name TakeTokens is also used by s/a.lua; set a different name: in the header`,
		}},
		{"package-level names", [][2]string{{"s/a.lua", "new"}, {"s/b.lua", "load"}, {"s/c.lua", "pipeline"}, {"s/d.lua", "Scripts"}, {"s/e.lua", "all_scripts"}}, []string{
			`s/a.lua:2:7: script-name: script name New makes the Go name New, which every generated package declares; set a different name: in the header`,
			`s/b.lua:2:7: script-name: script name Load is also the name of a method every generated package declares (Runner, Load, Pipeline, Batch, Exec); set a different name: in the header`,
			`s/c.lua:2:7: script-name: script name Pipeline makes the Go name Pipeline, which every generated package declares; set a different name: in the header`,
			`s/d.lua:2:7: script-name: script name Scripts makes the Go name Scripts, which every generated package declares; set a different name: in the header`,
			`s/e.lua:2:7: script-name: script name AllScripts makes the Go name AllScripts, which every generated package declares; set a different name: in the header`,
		}},
		{"generated names", [][2]string{{"s/bar.lua", "bar"}, {"s/bar_source.lua", "bar_source"}, {"s/get_sha1.lua", "GetSHA1"}, {"s/get.lua", "get"}}, []string{
			`s/bar_source.lua:2:7: script-name: script name BarSource makes the Go name BarSource, which is also generated for s/bar.lua; set a different name: in the header`,
			`s/get_sha1.lua:2:7: script-name: script name GetSHA1 makes the Go name GetSHA1, which is also generated for s/get.lua; set a different name: in the header`,
		}},
		{"generated files", [][2]string{{"s/take_tokens.lua", "a"}, {"other/take_tokens.lua", "b"}, {"s/cleanup_windows.lua", "c"}, {"s/_hidden.lua", "d"}, {"s/x_test.lua", "e"}}, []string{
			`other/take_tokens.lua: generated-file: the generated file take_tokens.luagen.go clashes with the one generated for s/take_tokens.lua; rename the script file`,
			`s/_hidden.lua: generated-file: the Go tool would skip or restrict the generated file _hidden.luagen.go to one platform (leading _ or ., or a _GOOS/_GOARCH suffix); rename the script file`,
			`s/cleanup_windows.lua: generated-file: the Go tool would skip or restrict the generated file cleanup_windows.luagen.go to one platform (leading _ or ., or a _GOOS/_GOARCH suffix); rename the script file`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var scripts []*model.Script
			for _, s := range tt.scripts {
				scripts = append(scripts, script(t, s[0], s[1]))
			}
			diags := check.Package(scripts)
			diags.Sort()
			var got []string
			for _, d := range diags {
				got = append(got, d.String())
			}
			if g, w := strings.Join(got, "\n"), strings.Join(tt.want, "\n"); g != w {
				t.Errorf("got:\n%s\nwant:\n%s", g, w)
			}
		})
	}
}

package parse

import (
	"reflect"
	"strings"
	"testing"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/luasrc"
	"github.com/luagen/luagen/generator/model"
)

// read prepares src as the file name and reads its header.
func read(name, src string) (*model.Script, diag.List) {
	return Script(luasrc.Prepare(name, []byte(src)))
}

const takeTokens = `#!lua flags=no-writes
--[[luagen
doc: |
  Takes n tokens from a bucket.
readonly: true
keys:
  - name: bucket        # KEYS[1]
    doc: the bucket hash
  - log
args:
  - {name: rate, type: float64}
  - {name: capacity, type: int64, doc: " max tokens "}
  - {name: now, type: time.Time}
  - {name: user_id}
  - {name: tags, type: string, variadic: true}
returns:
  type: struct
  nullable: true
  doc: what is left
  fields:
    - {name: allowed, type: bool}
    - {name: remaining, type: int64, doc: tokens left}
    - {name: retry_after, type: time.Duration, nullable: true}
    - {name: id, type: string}
]]
local tokens = redis.call('HGET', KEYS[1], 'tokens')
`

func TestScript(t *testing.T) {
	sc, diags := read("scripts/take_tokens.lua", takeTokens)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	want := &model.Script{
		File:         "scripts/take_tokens.lua",
		Source:       takeTokens,
		SHA1:         sc.SHA1,
		NameFromFile: true,
		Doc:          "Takes n tokens from a bucket.",
		ReadOnly:     true,
		Shebang:      "#!lua flags=no-writes",
		HeaderLine:   2,
		NamePos:      model.Pos{Line: 2, Col: 1},
		Keys: []model.Param{
			{Name: "bucket", Doc: "the bucket hash", Type: model.TypeString, Pos: model.Pos{Line: 7, Col: 11}},
			{Name: "log", Type: model.TypeString, Pos: model.Pos{Line: 9, Col: 5}},
		},
		Args: []model.Param{
			{Name: "rate", Type: model.TypeFloat64, Pos: model.Pos{Line: 11, Col: 12}},
			{Name: "capacity", Type: model.TypeInt64, Doc: "max tokens", Pos: model.Pos{Line: 12, Col: 12}},
			{Name: "now", Type: model.TypeTime, Pos: model.Pos{Line: 13, Col: 12}},
			{Name: "user_id", Type: model.TypeString, Pos: model.Pos{Line: 14, Col: 12}},
			{Name: "tags", Type: model.TypeString, Variadic: true, Pos: model.Pos{Line: 15, Col: 12}},
		},
		Result: model.Result{
			Type:     model.TypeStruct,
			Nullable: true,
			Doc:      "what is left",
			Fields: []model.Field{
				{Name: "allowed", Type: model.TypeBool, Pos: model.Pos{Line: 21, Col: 14}},
				{Name: "remaining", Type: model.TypeInt64, Doc: "tokens left", Pos: model.Pos{Line: 22, Col: 14}},
				{Name: "retry_after", Type: model.TypeDuration, Nullable: true, Pos: model.Pos{Line: 23, Col: 14}},
				{Name: "id", Type: model.TypeString, Pos: model.Pos{Line: 24, Col: 14}},
			},
		},
	}
	if !reflect.DeepEqual(sc, want) {
		t.Errorf("got  %+v\nwant %+v", sc, want)
	}
	// Redis computes the SHA1 of the exact bytes; this is sha1sum of takeTokens.
	if len(sc.SHA1) != 40 {
		t.Errorf("SHA1 = %q", sc.SHA1)
	}
}

func TestScriptShorthands(t *testing.T) {
	tests := []struct {
		name, src string
		check     func(t *testing.T, sc *model.Script)
	}{
		{"returns scalar", "--[[luagen\nreturns: int64\n]]\n", func(t *testing.T, sc *model.Script) {
			if sc.Result.Type != model.TypeInt64 {
				t.Errorf("result = %+v", sc.Result)
			}
		}},
		{"no returns", "--[[luagen\nkeys: [a]\n]]\n", func(t *testing.T, sc *model.Script) {
			if sc.Result.Type != model.TypeNone {
				t.Errorf("result = %+v", sc.Result)
			}
		}},
		{"empty header", "--[[luagen\n]]\nreturn 1\n", func(t *testing.T, sc *model.Script) {
			if !sc.NameFromFile || sc.Result.Type != model.TypeNone || sc.HeaderLine != 1 {
				t.Errorf("script = %+v", sc)
			}
		}},
		{"one-line empty header", "--[[luagen]]\n", func(t *testing.T, sc *model.Script) {
			if !sc.NameFromFile || sc.HeaderLine != 1 {
				t.Errorf("script = %+v", sc)
			}
		}},
		{"fields imply struct", "--[[luagen\nname: GetUserTTL\nreturns:\n  fields: [{name: ttl_ms, type: int64}]\n]]\n", func(t *testing.T, sc *model.Script) {
			if sc.Name != "GetUserTTL" || sc.NameFromFile || sc.NamePos != (model.Pos{Line: 2, Col: 7}) {
				t.Errorf("name = %q %v %v", sc.Name, sc.NameFromFile, sc.NamePos)
			}
			if sc.Result.Type != model.TypeStruct || sc.Result.Fields[0].Name != "ttl_ms" {
				t.Errorf("result = %+v", sc.Result)
			}
		}},
		{"level brackets and comments first", "-- leading comment\n--[[ block\ncomment ]]\n\n--[==[luagen\ndoc: has ]] inside\n]==]\nreturn 1\n", func(t *testing.T, sc *model.Script) {
			if sc.Doc != "has ]] inside" || sc.HeaderLine != 5 {
				t.Errorf("script = %+v", sc)
			}
		}},
		{"crlf", "--[[luagen\r\nargs:\r\n  - {name: a, type: int}\r\n]]\r\nreturn 1\r\n", func(t *testing.T, sc *model.Script) {
			if len(sc.Args) != 1 || sc.Args[0].Type != model.TypeInt || sc.Args[0].Pos != (model.Pos{Line: 3, Col: 12}) {
				t.Errorf("args = %+v", sc.Args)
			}
		}},
		{"shebang without flags", "#!lua\n--[[luagen\n]]\n", func(t *testing.T, sc *model.Script) {
			if sc.Shebang != "#!lua" || sc.HeaderLine != 2 {
				t.Errorf("script = %+v", sc)
			}
		}},
		{"byte order mark", "\xEF\xBB\xBF--[[luagen\n]]\n", func(t *testing.T, sc *model.Script) {
			if sc.HeaderLine != 1 {
				t.Errorf("script = %+v", sc)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, diags := read("x.lua", tt.src)
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			tt.check(t, sc)
		})
	}
}

func TestScriptErrors(t *testing.T) {
	h := func(yaml string) string { return "--[[luagen\n" + yaml + "]]\nreturn 1\n" }
	tests := []struct {
		name, src string
		want      []string
	}{
		// Locating the header.
		{"no header", "return 1\n", []string{
			"x.lua:1:1: header: no luagen header; start the file with a --[[luagen ... ]] comment declaring keys, args and returns",
		}},
		{"empty file", "", []string{
			"x.lua:1:1: header: no luagen header; start the file with a --[[luagen ... ]] comment declaring keys, args and returns",
		}},
		{"header after code", "local x = 1\n--[[luagen\n]]\n", []string{
			"x.lua:2:1: header: the luagen header must come before any code (code starts at line 1); move it to the top of the file, after any shebang line",
		}},
		{"space before luagen", "--[[ luagen\n]]\n", []string{
			"x.lua:1:1: header: write the header opener as --[[luagen, with no space before luagen",
		}},
		{"unclosed comment", "--[[ notes\n", []string{
			"x.lua:1:1: header: long comment is never closed; end it with ]]",
		}},
		{"unclosed header", "--[==[luagen\nkeys: []\n]]\n", []string{
			"x.lua:1:1: header: the luagen header is never closed; end it with ]==] on its own line",
		}},
		{"text after opener", "--[[luagen keys: [a]\n]]\n", []string{
			"x.lua:1:11: header: text after --[[luagen on the same line; start the header's YAML on the next line",
		}},
		{"code after closer", "--[[luagen\ndoc: a[b[1]] and more\nreturn 1\n", []string{
			"x.lua:2:11: header: code follows the header's closing ]] on the same line; start it on the next line; if the header itself contains ]], open it with --[==[luagen and close it with ]==]",
		}},
		// Shebang.
		{"bad engine", "#!luajit\n--[[luagen\n]]\n", []string{
			`x.lua:1:1: shebang: unknown script engine "#!luajit" in the shebang; allowed: #!lua`,
		}},
		{"bad flag", "#!lua flags=no-write,allow-oom,\n--[[luagen\n]]\n", []string{
			`x.lua:1:13: shebang: unknown shebang flag "no-write"; allowed: no-writes, allow-oom, allow-stale, no-cluster, allow-cross-slot-keys (did you mean no-writes?)`,
			`x.lua:1:32: shebang: unknown shebang flag ""; allowed: no-writes, allow-oom, allow-stale, no-cluster, allow-cross-slot-keys`,
		}},
		{"bad option", "#!lua  mode=fast\n--[[luagen\n]]\n", []string{
			`x.lua:1:8: shebang: unknown shebang option "mode=fast"; allowed: flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys`,
		}},
		{"readonly without no-writes", "#!lua flags=allow-oom\n--[[luagen\nreadonly: true\n]]\n", []string{
			"x.lua:3:11: shebang: readonly: true needs flags=no-writes in the shebang; Redis refuses read-only calls of a script with a shebang that lacks it",
		}},
		// YAML.
		{"bad yaml", h("keys: [a\n"), []string{
			"x.lua:2: header-yaml: invalid YAML in the luagen header: did not find expected ',' or ']'",
		}},
		{"tabs", h("keys:\n\t- a\n"), []string{
			"x.lua:3: header-yaml: invalid YAML in the luagen header: found character that cannot start any token (indent YAML with spaces, not tabs)",
		}},
		{"two documents", h("doc: a\n---\ndoc: b\n"), []string{
			"x.lua:3: header-yaml: the luagen header holds more than one YAML document; remove the ---",
		}},
		{"not a mapping", h("- a\n"), []string{
			"x.lua:2:1: header-field: the luagen header must be a YAML mapping; allowed fields: name, doc, readonly, keys, args, returns",
		}},
		{"unknown fields", h("key: [a]\nargv: [b]\nresult: int64\nread_only: true\nfoo: 1\n"), []string{
			`x.lua:2:1: header-field: unknown header field "key"; allowed: name, doc, readonly, keys, args, returns (did you mean keys?)`,
			`x.lua:3:1: header-field: unknown header field "argv"; allowed: name, doc, readonly, keys, args, returns (did you mean args?)`,
			`x.lua:4:1: header-field: unknown header field "result"; allowed: name, doc, readonly, keys, args, returns (did you mean returns?)`,
			`x.lua:5:1: header-field: unknown header field "read_only"; allowed: name, doc, readonly, keys, args, returns (did you mean readonly?)`,
			`x.lua:6:1: header-field: unknown header field "foo"; allowed: name, doc, readonly, keys, args, returns`,
		}},
		{"field twice", h("doc: a\ndoc: b\n"), []string{
			`x.lua:3:1: header-field: header field "doc" is set twice (first at line 2)`,
		}},
		{"alias", h("doc: &d text\nname: *d\n"), []string{
			"x.lua:3:7: header-field: YAML aliases are not supported in the luagen header; write the value out",
		}},
		{"wrong value kinds", h("doc: [a]\nreadonly: yes\nkeys: a\nargs: {a: 1}\n"), []string{
			"x.lua:2:6: header-field: doc must be a string",
			"x.lua:3:11: header-field: readonly must be true or false",
			"x.lua:4:7: header-field: keys must be a list",
			"x.lua:5:7: header-field: args must be a list",
		}},
		// Params.
		{"param shapes", h("keys:\n  - {name: b-k}\n  - {doc: x}\n  - [a]\nargs:\n  - {name: type}\n  - {name: _}\n  - {name: range, type: int}\n"), []string{
			`x.lua:4:5: header-field: key is missing name`,
			`x.lua:5:5: header-field: a key must be a name or a mapping with name, doc, variadic, prefix, type`,
		}},
		{"unknown param fields", h("keys:\n  - {name: a, nullable: true}\nargs:\n  - {name: b, descripton: x}\n"), []string{
			`x.lua:3:15: header-field: unknown key field "nullable"; allowed: name, doc, variadic, prefix, type`,
			`x.lua:5:15: header-field: unknown arg field "descripton"; allowed: name, type, doc, variadic, prefix (did you mean doc?)`,
		}},
		{"types", h("keys:\n  - {name: k, type: int64}\nargs:\n  - {name: a, type: float}\n  - {name: b, type: integer}\n  - {name: c, type: duration}\n  - {name: d, type: raw}\n  - {name: e, type: '[]string'}\n  - {name: f, type: Time.time}\n  - {name: g, type: [x]}\n"), []string{
			`x.lua:3:21: header-type: key type "int64" is not allowed; keys are always strings (allowed: string)`,
			`x.lua:5:21: header-type: unknown arg type "float"; allowed: string, []byte, int64, int, uint64, float64, bool, time.Duration, time.Time, json (did you mean float64?)`,
			`x.lua:6:21: header-type: unknown arg type "integer"; allowed: string, []byte, int64, int, uint64, float64, bool, time.Duration, time.Time, json (did you mean int64?)`,
			`x.lua:7:21: header-type: unknown arg type "duration"; allowed: string, []byte, int64, int, uint64, float64, bool, time.Duration, time.Time, json (did you mean time.Duration?)`,
			`x.lua:8:21: header-type: arg type "raw" is not allowed; allowed: string, []byte, int64, int, uint64, float64, bool, time.Duration, time.Time, json`,
			`x.lua:9:21: header-type: arg type "[]string" is not allowed; for several values make the last arg variadic: true with a type such as string`,
			`x.lua:10:21: header-type: unknown arg type "Time.time"; allowed: string, []byte, int64, int, uint64, float64, bool, time.Duration, time.Time, json (did you mean time.Time?)`,
			`x.lua:11:21: header-type: type must be a type name`,
		}},
		// Results.
		{"unknown result type", h("returns: float\n"), []string{
			`x.lua:2:10: header-type: unknown result type "float"; allowed: none, int64, int, uint64, string, []byte, bool, float64, time.Duration, time.Time, []string, []int64, map[string]string, raw, struct (did you mean float64?)`,
		}},
		{"json result", h("returns: json\n"), []string{
			`x.lua:2:10: header-type: result type "json" is not allowed; allowed: none, int64, int, uint64, string, []byte, bool, float64, time.Duration, time.Time, []string, []int64, map[string]string, raw, struct`,
		}},
		{"struct shorthand", h("returns: struct\n"), []string{
			`x.lua:2:10: header-type: a struct result needs fields; write returns: {type: struct, fields: [...]} listing them in the order the script returns them`,
		}},
		{"struct without fields", h("returns:\n  type: struct\n  fields: []\n"), []string{
			`x.lua:4:11: header-type: a struct result needs fields; list them in the order the script returns them`,
		}},
		{"struct fields missing", h("returns: {type: struct}\n"), []string{
			`x.lua:2:10: header-type: a struct result needs fields; list them in the order the script returns them`,
		}},
		{"fields on scalar", h("returns:\n  type: int64\n  fields: [{name: a, type: int64}]\n"), []string{
			`x.lua:4:11: header-type: fields only apply to type: struct, not int64`,
		}},
		{"returns missing type", h("returns: {doc: x}\n"), []string{
			`x.lua:2:10: header-type: returns is missing type; allowed: none, int64, int, uint64, string, []byte, bool, float64, time.Duration, time.Time, []string, []int64, map[string]string, raw, struct`,
		}},
		{"returns list", h("returns: [int64]\n"), []string{
			`x.lua:2:10: header-field: returns must be a type name or a mapping with type, nullable, doc, fields`,
		}},
		{"nullable none and raw", h("returns: {type: none, nullable: true, optional: true}\n"), []string{
			`x.lua:2:33: header-type: nullable does not apply to type none; a script that returns nothing has no nil to report`,
			`x.lua:2:39: header-field: unknown returns field "optional"; allowed: type, nullable, doc, fields (did you mean nullable?)`,
		}},
		{"nullable raw", h("returns:\n  type: raw\n  nullable: true\n"), []string{
			`x.lua:4:13: header-type: nullable does not apply to type raw; a raw result already holds a nil reply as is`,
		}},
		{"struct field shapes", h("returns:\n  type: struct\n  fields:\n    - a\n    - {name: b}\n    - {type: int64}\n    - {name: c, type: struct}\n    - {name: d, type: int64s}\n    - {name: 1d, type: int64}\n    - {name: e, type: raw, nullable: true}\n    - {name: e, type: int64}\n    - {name: E, type: int64}\n"), []string{
			`x.lua:5:7: header-field: a struct field must be a mapping with name, type, nullable, doc`,
			`x.lua:6:7: header-type: struct field is missing type; allowed: int64, int, uint64, string, []byte, bool, float64, time.Duration, time.Time, []string, []int64, map[string]string, raw`,
			`x.lua:7:7: header-field: struct field is missing name`,
			`x.lua:8:23: header-type: field type "struct" is not allowed; allowed: int64, int, uint64, string, []byte, bool, float64, time.Duration, time.Time, []string, []int64, map[string]string, raw`,
			`x.lua:9:23: header-type: unknown field type "int64s"; allowed: int64, int, uint64, string, []byte, bool, float64, time.Duration, time.Time, []string, []int64, map[string]string, raw (did you mean int64?)`,
			`x.lua:11:38: header-type: nullable does not apply to type raw; a raw result already holds a nil reply as is`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := read("x.lua", tt.src)
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

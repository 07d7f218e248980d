package parse

import (
	"reflect"
	"strings"
	"testing"

	"github.com/luagen/luagen/generator/model"
)

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
	sc, diags := Script("scripts/take_tokens.lua", []byte(takeTokens))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	want := &model.Script{
		File:       "scripts/take_tokens.lua",
		Source:     takeTokens,
		SHA1:       sc.SHA1,
		Name:       "take_tokens",
		GoName:     "TakeTokens",
		Doc:        "Takes n tokens from a bucket.",
		ReadOnly:   true,
		Shebang:    "#!lua flags=no-writes",
		HeaderLine: 2,
		NamePos:    model.Pos{Line: 2, Col: 1},
		Keys: []model.Param{
			{Name: "bucket", GoName: "bucket", Doc: "the bucket hash", Type: model.TypeString, Pos: model.Pos{Line: 7, Col: 11}},
			{Name: "log", GoName: "log", Type: model.TypeString, Pos: model.Pos{Line: 9, Col: 5}},
		},
		Args: []model.Param{
			{Name: "rate", GoName: "rate", Type: model.TypeFloat64, Pos: model.Pos{Line: 11, Col: 12}},
			{Name: "capacity", GoName: "capacity", Type: model.TypeInt64, Doc: "max tokens", Pos: model.Pos{Line: 12, Col: 12}},
			{Name: "now", GoName: "now", Type: model.TypeTime, Pos: model.Pos{Line: 13, Col: 12}},
			{Name: "user_id", GoName: "userID", Type: model.TypeString, Pos: model.Pos{Line: 14, Col: 12}},
			{Name: "tags", GoName: "tags", Type: model.TypeString, Variadic: true, Pos: model.Pos{Line: 15, Col: 12}},
		},
		Result: model.Result{
			Type:       model.TypeStruct,
			Nullable:   true,
			StructName: "TakeTokensResult",
			Doc:        "what is left",
			Fields: []model.Field{
				{Name: "allowed", GoName: "Allowed", Type: model.TypeBool},
				{Name: "remaining", GoName: "Remaining", Type: model.TypeInt64, Doc: "tokens left"},
				{Name: "retry_after", GoName: "RetryAfter", Type: model.TypeDuration, Nullable: true},
				{Name: "id", GoName: "ID", Type: model.TypeString},
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
			if sc.Result.Type != model.TypeInt64 || sc.Result.StructName != "" {
				t.Errorf("result = %+v", sc.Result)
			}
		}},
		{"no returns", "--[[luagen\nkeys: [a]\n]]\n", func(t *testing.T, sc *model.Script) {
			if sc.Result.Type != model.TypeNone {
				t.Errorf("result = %+v", sc.Result)
			}
		}},
		{"empty header", "--[[luagen\n]]\nreturn 1\n", func(t *testing.T, sc *model.Script) {
			if sc.GoName != "X" || sc.Result.Type != model.TypeNone || sc.HeaderLine != 1 {
				t.Errorf("script = %+v", sc)
			}
		}},
		{"one-line empty header", "--[[luagen]]\n", func(t *testing.T, sc *model.Script) {
			if sc.GoName != "X" {
				t.Errorf("script = %+v", sc)
			}
		}},
		{"fields imply struct", "--[[luagen\nname: GetUserTTL\nreturns:\n  fields: [{name: ttl_ms, type: int64}]\n]]\n", func(t *testing.T, sc *model.Script) {
			if sc.Name != "GetUserTTL" || sc.GoName != "GetUserTTL" || sc.NamePos != (model.Pos{Line: 2, Col: 7}) {
				t.Errorf("name = %q %q %v", sc.Name, sc.GoName, sc.NamePos)
			}
			if sc.Result.Type != model.TypeStruct || sc.Result.StructName != "GetUserTTLResult" || sc.Result.Fields[0].GoName != "TTLMs" {
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
			sc, diags := Script("x.lua", []byte(tt.src))
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			tt.check(t, sc)
		})
	}
	sc, diags := Script("s/take-tokens.v2.lua", []byte("--[[luagen\n]]\n"))
	if len(diags) > 0 || sc.Name != "take_tokens_v2" || sc.GoName != "TakeTokensV2" {
		t.Errorf("dashed file name: %q %q %v", sc.Name, sc.GoName, diags)
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
			"x.lua:1:1: no luagen header; start the file with a --[[luagen ... ]] comment declaring keys, args and returns",
		}},
		{"empty file", "", []string{
			"x.lua:1:1: no luagen header; start the file with a --[[luagen ... ]] comment declaring keys, args and returns",
		}},
		{"header after code", "local x = 1\n--[[luagen\n]]\n", []string{
			"x.lua:2:1: the luagen header must come before any code (code starts at line 1); move it to the top of the file, after any shebang line",
		}},
		{"space before luagen", "--[[ luagen\n]]\n", []string{
			"x.lua:1:1: write the header opener as --[[luagen, with no space before luagen",
		}},
		{"unclosed comment", "--[[ notes\n", []string{
			"x.lua:1:1: long comment is never closed; end it with ]]",
		}},
		{"unclosed header", "--[==[luagen\nkeys: []\n]]\n", []string{
			"x.lua:1:1: the luagen header is never closed; end it with ]==] on its own line",
		}},
		{"text after opener", "--[[luagen keys: [a]\n]]\n", []string{
			"x.lua:1:11: text after --[[luagen on the same line; start the header's YAML on the next line",
		}},
		{"code after closer", "--[[luagen\ndoc: a[b[1]] and more\nreturn 1\n", []string{
			"x.lua:2:11: code follows the header's closing ]] on the same line; start it on the next line; if the header itself contains ]], open it with --[==[luagen and close it with ]==]",
		}},
		// Shebang.
		{"bad engine", "#!luajit\n--[[luagen\n]]\n", []string{
			`x.lua:1:1: unknown script engine "#!luajit" in the shebang; allowed: #!lua`,
		}},
		{"bad flag", "#!lua flags=no-write,allow-oom,\n--[[luagen\n]]\n", []string{
			`x.lua:1:13: unknown shebang flag "no-write"; allowed: no-writes, allow-oom, allow-stale, no-cluster, allow-cross-slot-keys (did you mean no-writes?)`,
			`x.lua:1:32: unknown shebang flag ""; allowed: no-writes, allow-oom, allow-stale, no-cluster, allow-cross-slot-keys`,
		}},
		{"bad option", "#!lua  mode=fast\n--[[luagen\n]]\n", []string{
			`x.lua:1:8: unknown shebang option "mode=fast"; allowed: flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys`,
		}},
		{"readonly without no-writes", "#!lua flags=allow-oom\n--[[luagen\nreadonly: true\n]]\n", []string{
			"x.lua:3:11: readonly: true needs flags=no-writes in the shebang; Redis refuses read-only calls of a script with a shebang that lacks it",
		}},
		// YAML.
		{"bad yaml", h("keys: [a\n"), []string{
			"x.lua:2: invalid YAML in the luagen header: did not find expected ',' or ']'",
		}},
		{"tabs", h("keys:\n\t- a\n"), []string{
			"x.lua:3: invalid YAML in the luagen header: found character that cannot start any token (indent YAML with spaces, not tabs)",
		}},
		{"two documents", h("doc: a\n---\ndoc: b\n"), []string{
			"x.lua:3: the luagen header holds more than one YAML document; remove the ---",
		}},
		{"not a mapping", h("- a\n"), []string{
			"x.lua:2:1: the luagen header must be a YAML mapping; allowed fields: name, doc, readonly, keys, args, returns",
		}},
		{"unknown fields", h("key: [a]\nargv: [b]\nresult: int64\nread_only: true\nfoo: 1\n"), []string{
			`x.lua:2:1: unknown header field "key"; allowed: name, doc, readonly, keys, args, returns (did you mean keys?)`,
			`x.lua:3:1: unknown header field "argv"; allowed: name, doc, readonly, keys, args, returns (did you mean args?)`,
			`x.lua:4:1: unknown header field "result"; allowed: name, doc, readonly, keys, args, returns (did you mean returns?)`,
			`x.lua:5:1: unknown header field "read_only"; allowed: name, doc, readonly, keys, args, returns (did you mean readonly?)`,
			`x.lua:6:1: unknown header field "foo"; allowed: name, doc, readonly, keys, args, returns`,
		}},
		{"field twice", h("doc: a\ndoc: b\n"), []string{
			`x.lua:3:1: header field "doc" is set twice (first at line 2)`,
		}},
		{"alias", h("doc: &d text\nname: *d\n"), []string{
			"x.lua:3:7: YAML aliases are not supported in luagen headers; write the value out",
		}},
		{"wrong value kinds", h("doc: [a]\nreadonly: yes\nkeys: a\nargs: {a: 1}\n"), []string{
			"x.lua:2:6: doc must be a string",
			"x.lua:3:11: readonly must be true or false",
			"x.lua:4:7: keys must be a list",
			"x.lua:5:7: args must be a list",
		}},
		// Names.
		{"bad script name", h("name: take-tokens\n"), []string{
			`x.lua:2:7: script name "take-tokens" is not an identifier; allowed: letters, digits and underscores, not starting with a digit`,
		}},
		{"script name without letters", h("name: _9\n"), []string{
			`x.lua:2:7: script name "_9" gives the Go name "9", which does not start with a letter`,
		}},
		// Params.
		{"param problems", h("keys:\n  - {name: b-k}\n  - {doc: x}\n  - [a]\nargs:\n  - {name: type}\n  - {name: _}\n  - {name: range, type: int}\n"), []string{
			`x.lua:3:12: key name "b-k" is not an identifier; allowed: letters, digits and underscores, not starting with a digit`,
			`x.lua:4:5: key is missing name`,
			`x.lua:5:5: a key must be a name or a mapping with name, doc, variadic, type`,
			`x.lua:7:12: arg name "type" is the Go keyword type; rename it, for example to type_arg`,
			`x.lua:8:12: arg name "_" gives the Go name "", which does not start with a letter`,
			`x.lua:9:12: arg name "range" is the Go keyword range; rename it, for example to range_arg`,
		}},
		{"unknown param fields", h("keys:\n  - {name: a, nullable: true}\nargs:\n  - {name: b, descripton: x}\n"), []string{
			`x.lua:3:15: unknown key field "nullable"; allowed: name, doc, variadic, type`,
			`x.lua:5:15: unknown arg field "descripton"; allowed: name, type, doc, variadic (did you mean doc?)`,
		}},
		{"types", h("keys:\n  - {name: k, type: int64}\nargs:\n  - {name: a, type: float}\n  - {name: b, type: integer}\n  - {name: c, type: duration}\n  - {name: d, type: raw}\n  - {name: e, type: '[]string'}\n  - {name: f, type: Time.time}\n  - {name: g, type: [x]}\n"), []string{
			`x.lua:3:21: key type "int64" is not allowed; keys are always strings (allowed: string)`,
			`x.lua:5:21: unknown arg type "float"; allowed: string, []byte, int64, int, uint64, float64, bool, time.Duration, time.Time, json (did you mean float64?)`,
			`x.lua:6:21: unknown arg type "integer"; allowed: string, []byte, int64, int, uint64, float64, bool, time.Duration, time.Time, json (did you mean int64?)`,
			`x.lua:7:21: unknown arg type "duration"; allowed: string, []byte, int64, int, uint64, float64, bool, time.Duration, time.Time, json (did you mean time.Duration?)`,
			`x.lua:8:21: arg type "raw" is not allowed; allowed: string, []byte, int64, int, uint64, float64, bool, time.Duration, time.Time, json`,
			`x.lua:9:21: arg type "[]string" is not allowed; for several values make the last arg variadic: true with a type such as string`,
			`x.lua:10:21: unknown arg type "Time.time"; allowed: string, []byte, int64, int, uint64, float64, bool, time.Duration, time.Time, json (did you mean time.Time?)`,
			`x.lua:11:21: type must be a type name`,
		}},
		{"variadic not last", h("keys:\n  - {name: a, variadic: true}\n  - b\nargs:\n  - {name: c, variadic: true}\n  - d\n"), []string{
			`x.lua:3:12: key a is variadic but not the last key; only the last key and the last arg may be variadic`,
			`x.lua:6:12: arg c is variadic but not the last arg; only the last key and the last arg may be variadic`,
		}},
		{"duplicate params", h("keys: [a, user_id]\nargs:\n  - a\n  - userId\n"), []string{
			`x.lua:4:5: arg name "a" is already used by the key at line 2; key and arg names must be distinct`,
			`x.lua:5:5: arg "userId" and key "user_id" (line 2) both become the Go name userID; rename one`,
		}},
		// Results.
		{"unknown result type", h("returns: float\n"), []string{
			`x.lua:2:10: unknown result type "float"; allowed: none, int64, int, uint64, string, []byte, bool, float64, time.Duration, time.Time, []string, []int64, map[string]string, raw, struct (did you mean float64?)`,
		}},
		{"json result", h("returns: json\n"), []string{
			`x.lua:2:10: result type "json" is not allowed; allowed: none, int64, int, uint64, string, []byte, bool, float64, time.Duration, time.Time, []string, []int64, map[string]string, raw, struct`,
		}},
		{"struct shorthand", h("returns: struct\n"), []string{
			`x.lua:2:10: a struct result needs fields; write returns: {type: struct, fields: [...]} listing them in the order the script returns them`,
		}},
		{"struct without fields", h("returns:\n  type: struct\n  fields: []\n"), []string{
			`x.lua:4:11: a struct result needs fields; list them in the order the script returns them`,
		}},
		{"struct fields missing", h("returns: {type: struct}\n"), []string{
			`x.lua:2:10: a struct result needs fields; list them in the order the script returns them`,
		}},
		{"fields on scalar", h("returns:\n  type: int64\n  fields: [{name: a, type: int64}]\n"), []string{
			`x.lua:4:11: fields only apply to type: struct, not int64`,
		}},
		{"returns missing type", h("returns: {doc: x}\n"), []string{
			`x.lua:2:10: returns is missing type; allowed: none, int64, int, uint64, string, []byte, bool, float64, time.Duration, time.Time, []string, []int64, map[string]string, raw, struct`,
		}},
		{"returns list", h("returns: [int64]\n"), []string{
			`x.lua:2:10: returns must be a type name or a mapping with type, nullable, doc, fields`,
		}},
		{"nullable none and raw", h("returns: {type: none, nullable: true, optional: true}\n"), []string{
			`x.lua:2:33: nullable does not apply to type none; a script that returns nothing has no nil to report`,
			`x.lua:2:39: unknown returns field "optional"; allowed: type, nullable, doc, fields (did you mean nullable?)`,
		}},
		{"nullable raw", h("returns:\n  type: raw\n  nullable: true\n"), []string{
			`x.lua:4:13: nullable does not apply to type raw; a raw result already holds a nil reply as is`,
		}},
		{"struct field problems", h("returns:\n  type: struct\n  fields:\n    - a\n    - {name: b}\n    - {type: int64}\n    - {name: c, type: struct}\n    - {name: d, type: int64s}\n    - {name: 1d, type: int64}\n    - {name: e, type: raw, nullable: true}\n    - {name: e, type: int64}\n    - {name: E, type: int64}\n"), []string{
			`x.lua:5:7: a struct field must be a mapping with name, type, nullable, doc`,
			`x.lua:6:7: struct field is missing type; allowed: int64, int, uint64, string, []byte, bool, float64, time.Duration, time.Time, []string, []int64, map[string]string, raw`,
			`x.lua:7:7: struct field is missing name`,
			`x.lua:8:23: field type "struct" is not allowed; allowed: int64, int, uint64, string, []byte, bool, float64, time.Duration, time.Time, []string, []int64, map[string]string, raw`,
			`x.lua:9:23: unknown field type "int64s"; allowed: int64, int, uint64, string, []byte, bool, float64, time.Duration, time.Time, []string, []int64, map[string]string, raw (did you mean int64?)`,
			`x.lua:10:14: field name "1d" is not an identifier; allowed: letters, digits and underscores, not starting with a digit`,
			`x.lua:11:38: nullable does not apply to type raw; a raw result already holds a nil reply as is`,
			`x.lua:12:14: field name "e" is already used at line 11`,
			`x.lua:13:14: fields "E" and "e" (line 11) both become the Go name E; rename one`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := Script("x.lua", []byte(tt.src))
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

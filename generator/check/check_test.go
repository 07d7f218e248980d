package check

import (
	"strings"
	"testing"

	"github.com/luagen/luagen/generator/luasrc"
	"github.com/luagen/luagen/generator/model"
)

func params(names ...string) []model.Param {
	var out []model.Param
	for i, n := range names {
		p := model.Param{Name: strings.TrimSuffix(n, "..."), Type: model.TypeString, Pos: model.Pos{Line: 1, Col: 10 + i}}
		p.Variadic = strings.HasSuffix(n, "...")
		out = append(out, p)
	}
	return out
}

func TestBody(t *testing.T) {
	tests := []struct {
		name       string
		keys, args []model.Param
		src        string
		want       []string // findings as luagen prints them
	}{
		{"clean", params("bucket", "log"), params("rate"),
			"local a = redis.call('GET', KEYS[1])\nredis.call('SET', KEYS[2], ARGV[1])\n", nil},
		{"shebang blanked", nil, nil, "#!lua flags=no-writes\nreturn 1\n", nil},
		{"comments and strings hide tokens", params("k"), nil,
			"-- KEYS[5] goto x ::y::\n--[==[ KEYS[9] ]==]\nlocal s = 'KEYS[7]' .. [[ARGV[3]\n]] .. \"goto a\"\nreturn KEYS[1]\n", nil},

		// Syntax.
		{"syntax error", nil, nil, "local x = 1\nif x then\n  return 1\nelse if\nend\n", []string{
			`x.lua:5:1: lua-syntax: syntax error near "end"`,
		}},
		{"syntax error mid line", nil, nil, "x = = 2\n", []string{
			`x.lua:1:5: lua-syntax: syntax error near "="`,
		}},
		{"string token in error", nil, nil, "x = 'a' 'b'\n", []string{
			`x.lua:1:9: lua-syntax: syntax error near "'b'"`,
		}},
		{"unclosed if", nil, nil, "local x = 1\nif x then\n  return 1\n", []string{
			`x.lua:2:1: lua-syntax: "if" is never closed: 'end' expected before the end of the file`,
		}},
		{"unclosed function", nil, nil, "local function f()\n  if true then end\n", []string{
			`x.lua:1:7: lua-syntax: "function" is never closed: 'end' expected before the end of the file`,
		}},
		{"unclosed repeat", nil, nil, "repeat\n  local x = 1\n", []string{
			`x.lua:1:1: lua-syntax: "repeat" is never closed: 'until' expected before the end of the file`,
		}},
		{"eof after operator", nil, nil, "local x = 1 +\n", []string{
			`x.lua:1:14: lua-syntax: unexpected end of the file after "+"`,
		}},
		{"unfinished string", nil, nil, "local x = 1\nlocal s = \"abc\nreturn s\n", []string{
			`x.lua:2:11: lua-syntax: unfinished string: no closing " on this line`,
		}},
		{"unfinished long string", nil, nil, "local s = [==[abc\n]]\n", []string{
			`x.lua:1:11: lua-syntax: unfinished long string: no closing ]==]`,
		}},
		{"unfinished long comment", nil, nil, "return 1\n--[[ abc\n", []string{
			`x.lua:2:1: lua-syntax: unfinished long comment: no closing ]]`,
		}},
		{"bad long bracket", nil, nil, "local s = [=abc\n", []string{
			`x.lua:1:11: lua-syntax: invalid long string delimiter; write [=[`,
		}},
		{"malformed number", nil, nil, "local n = 3..2\n", []string{
			`x.lua:1:11: lua-syntax: malformed number "3..2"`,
		}},
		{"big escape", nil, nil, "local s = 'a\\300'\n", []string{
			`x.lua:1:13: lua-syntax: escape sequence too large: \300 is above \255`,
		}},
		{"bad character", nil, nil, "local x = 1 $ 2\n", []string{
			`x.lua:1:13: lua-syntax: unexpected character "$"`,
		}},
		{"bom", nil, nil, "\xEF\xBB\xBFreturn 1\n", []string{
			`x.lua:1:1: lua-syntax: the file starts with a UTF-8 byte order mark, which Redis's Lua rejects; save it without one`,
		}},
		{"misplaced shebang", nil, nil, "--[[luagen\n]]\n#!lua flags=no-writes\nreturn 1\n", []string{
			`x.lua:3:1: lua-syntax: a shebang must be the first line of the file, before the luagen header`,
		}},
		{"ambiguous call", nil, nil, "local f = g\n(h)()\n", []string{
			`x.lua:2:1: lua-syntax: ambiguous syntax (function call x new statement) near "("; end the previous statement with ; or join the lines`,
		}},
		{"ambiguous after index and call", nil, nil, "local a = t[1]\n(f)()\nlocal b = f()\n(g)()\n", []string{
			`x.lua:2:1: lua-syntax: ambiguous syntax (function call x new statement) near "("; end the previous statement with ; or join the lines`,
			`x.lua:4:1: lua-syntax: ambiguous syntax (function call x new statement) near "("; end the previous statement with ; or join the lines`,
		}},
		{"not ambiguous", nil, nil, "local a\n(f)()\nlocal function g\n(x) return x end\nfunction t.m:n\n(y) end\nlocal h = function()\n(f)() end\nreturn\n(a)\n", nil},
		{"form feed is whitespace", nil, nil, "local x = 1\f\vreturn x\n", nil},
		{"goto as a name", nil, nil, "local goto = 1\nreturn goto\n", nil},
		{"escaped newline in string", nil, nil, "local s = 'a\\\nb'\nreturn s\n", nil},

		// goto and labels.
		{"goto", nil, nil, "for i = 1, 3 do\n  if i == 2 then goto continue end\n  ::continue::\nend\n", []string{
			`x.lua:2:18: goto: goto is not supported by Redis's Lua 5.1; use a loop, if/else or a function instead`,
			`x.lua:3:3: goto: labels (::continue::) are not supported by Redis's Lua 5.1; use a loop, if/else or a function instead`,
		}},

		// KEYS and ARGV indexes.
		{"keys out of range", params("bucket", "log"), params("rate"),
			"local a = KEYS[1] .. KEYS[2]\nreturn redis.call('GET', KEYS[3]) .. ARGV[1] .. ARGV[ 2 ]\n", []string{
				`x.lua:2:26: keys-index: KEYS[3] is out of range: the header declares 2 keys (bucket, log); declare the key under keys:`,
				`x.lua:2:49: argv-index: ARGV[2] is out of range: the header declares 1 arg (rate); declare the arg under args:`,
			}},
		{"no params declared", nil, nil, "return KEYS[1]\n", []string{
			`x.lua:1:8: keys-index: KEYS[1] is out of range: the header declares no keys; declare the key under keys:`,
		}},
		{"below one and fractions", params("k"), nil, "return KEYS[1], KEYS[0], KEYS[-1], KEYS[1.5]\n", []string{
			`x.lua:1:17: keys-index: KEYS[0] is out of range: Lua indexes from 1, and the header declares 1 key (k)`,
			`x.lua:1:26: keys-index: KEYS[-1] is out of range: Lua indexes from 1, and the header declares 1 key (k)`,
			`x.lua:1:36: keys-index: KEYS[1.5] is out of range: indexes are whole numbers, and the header declares 1 key (k)`,
		}},
		{"same index twice on a line", params("k"), nil, "return KEYS[1], KEYS[2], KEYS[2]\n", []string{
			`x.lua:1:17: keys-index: KEYS[2] is out of range: the header declares 1 key (k); declare the key under keys:`,
			`x.lua:1:26: keys-index: KEYS[2] is out of range: the header declares 1 key (k); declare the key under keys:`,
		}},
		{"variadic allows more", params("k", "rest..."), params("a..."), "return KEYS[1], KEYS[5], ARGV[9], KEYS[0]\n", []string{
			`x.lua:1:35: keys-index: KEYS[0] is out of range: Lua indexes from 1, and the header declares 2 keys (k, rest...)`,
		}},
		{"hex index", params("k"), nil, "return KEYS[0x1], KEYS[0x2]\n", []string{
			`x.lua:1:19: keys-index: KEYS[0x2] is out of range: the header declares 1 key (k); declare the key under keys:`,
		}},
		{"parenthesized table points at its KEYS", params("k"), nil, "return KEYS[1], (KEYS)[4]\n", []string{
			`x.lua:1:18: keys-index: KEYS[4] is out of range: the header declares 1 key (k); declare the key under keys:`,
		}},
		{"deep in the tree", params("k"), params("a"), `
local function f(x, ...)
  local t = {KEYS[1], [ARGV[1]] = 1, y = function() return KEYS[2] end}
  for i = 1, #t, ARGV[3] do end
  while not (ARGV[4] and -ARGV[5] < 1) do break end
  repeat until ARGV[6] == 1
  if x then elseif ARGV[7] then else return ARGV[8] end
  for k, v in pairs({ARGV[9]}) do end
  t.a.b = ARGV[10]
  t:m(ARGV[11])
  function t.g() return ARGV[12] .. "" end
  do return #KEYS[3] end
end
`, []string{
			`x.lua:3:60: keys-index: KEYS[2] is out of range: the header declares 1 key (k); declare the key under keys:`,
			`x.lua:4:18: argv-index: ARGV[3] is out of range: the header declares 1 arg (a); declare the arg under args:`,
			`x.lua:5:14: argv-index: ARGV[4] is out of range: the header declares 1 arg (a); declare the arg under args:`,
			`x.lua:5:27: argv-index: ARGV[5] is out of range: the header declares 1 arg (a); declare the arg under args:`,
			`x.lua:6:16: argv-index: ARGV[6] is out of range: the header declares 1 arg (a); declare the arg under args:`,
			`x.lua:7:20: argv-index: ARGV[7] is out of range: the header declares 1 arg (a); declare the arg under args:`,
			`x.lua:7:45: argv-index: ARGV[8] is out of range: the header declares 1 arg (a); declare the arg under args:`,
			`x.lua:8:22: argv-index: ARGV[9] is out of range: the header declares 1 arg (a); declare the arg under args:`,
			`x.lua:9:11: argv-index: ARGV[10] is out of range: the header declares 1 arg (a); declare the arg under args:`,
			`x.lua:10:7: argv-index: ARGV[11] is out of range: the header declares 1 arg (a); declare the arg under args:`,
			`x.lua:11:25: argv-index: ARGV[12] is out of range: the header declares 1 arg (a); declare the arg under args:`,
			`x.lua:12:14: keys-index: KEYS[3] is out of range: the header declares 1 key (k); declare the key under keys:`,
		}},

		// Unused params.
		{"unused", params("bucket", "route"), params("rate", "unused"), "return redis.call('GET', KEYS[1]) .. ARGV[1]\n", []string{
			`x.lua:1:11: unused-arg: warning: arg unused (ARGV[2]) is never read; use it or remove it from the header`,
			`x.lua:1:11: unused-key: warning: key route (KEYS[2]) is never read; a key passed only to route the call to its slot is fine, otherwise remove it`,
		}},
		{"unused variadic", params("k", "rest..."), nil, "return KEYS[1]\n", []string{
			`x.lua:1:11: unused-key: warning: key rest (KEYS[2] and up) is never read; a key passed only to route the call to its slot is fine, otherwise remove it`,
		}},
		{"variadic read past its index", params("k", "rest..."), nil, "return KEYS[1], KEYS[3]\n", nil},
		{"dynamic reads count as all read", params("a", "b"), params("x", "y"), "for i = 1, #KEYS do redis.call('DEL', KEYS[i]) end\nreturn unpack(ARGV)\n", nil},
		{"aliasing counts as read", params("a", "b"), params("x"), "local k = KEYS\nlocal v = ARGV\nreturn k[1]\n", nil},
		{"string index is not literal", params("a"), nil, "return KEYS['1']\n", nil},
		{"a local named KEYS is another table", params("k"), params("a"),
			"do local KEYS = {1}; x = KEYS[5] end\nlocal function f(ARGV) return ARGV[9] end\nreturn f(KEYS[1]), ARGV[1]\n", nil},
		{"field access is not KEYS", params("a"), nil, "local t = {}\nreturn t.KEYS[9], KEYS[1]\n", nil},
		{"no index checks after a syntax error", params("a"), nil, "return KEYS[5] +\n", []string{
			`x.lua:1:17: lua-syntax: unexpected end of the file after "+"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &model.Script{File: "x.lua", Keys: tt.keys, Args: tt.args}
			var got []string
			for _, d := range Body(s, luasrc.Prepare("x.lua", []byte(tt.src))) {
				got = append(got, d.String())
			}
			if g, w := strings.Join(got, "\n"), strings.Join(tt.want, "\n"); g != w {
				t.Errorf("got:\n%s\nwant:\n%s", g, w)
			}
		})
	}
}

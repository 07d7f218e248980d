package vet

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/luasrc"
	"github.com/luagen/luagen/generator/model"
	"github.com/luagen/luagen/internal/redistest"
)

func TestCommandTable(t *testing.T) {
	tab := commands()
	if !strings.HasPrefix(tab.Redis, "7.") {
		t.Errorf("table from Redis %q, want 7.x", tab.Redis)
	}
	for _, c := range []struct {
		name  string
		flags []string
	}{
		{"get", nil}, {"hset", []string{"write"}}, {"eval", []string{"noscript"}}, {"publish", []string{"may_replicate"}},
	} {
		cmd := tab.lookup(strings.ToUpper(c.name))
		if cmd == nil {
			t.Errorf("%s missing", c.name)
			continue
		}
		for _, f := range c.flags {
			if !cmd.has(f) {
				t.Errorf("%s lacks flag %s: %v", c.name, f, cmd.Flags)
			}
		}
	}
	if tab.lookup("object").subcommand("Encoding") == nil {
		t.Error("OBJECT ENCODING missing")
	}
	for _, g := range []string{"redis.call", "cjson.encode", "tonumber", "KEYS"} {
		if !tab.globals[g] {
			t.Errorf("global %s missing", g)
		}
	}
}

// keyCases are commands written out in full; the arguments named k1, k2 ...
// are the keys.
var keyCases = []string{
	"GET k1",
	"SET k1 v EX 10",
	"MSET k1 v1 k2 v2",
	"DEL k1 k2 k3",
	"BLPOP k1 k2 0",
	"ZUNIONSTORE k1 2 k2 k3 WEIGHTS 1 2",
	"ZDIFFSTORE k1 2 k2 k3",
	"SINTERCARD 2 k1 k2 LIMIT 5",
	"LMPOP 2 k1 k2 LEFT COUNT 2",
	"XREAD COUNT 1 STREAMS k1 k2 0 0",
	"XREADGROUP GROUP g c COUNT 1 STREAMS k1 k2 > >",
	"GEORADIUS k1 0 0 1 km STORE k2",
	"GEORADIUS k1 0 0 1 km WITHDIST COUNT 3 STOREDIST k2",
	"GEORADIUS k1 0 0 1 km",
	"BITOP AND k1 k2 k3",
	"LCS k1 k2",
	"RENAME k1 k2",
	"PFMERGE k1 k2 k3",
	"OBJECT ENCODING k1",
	"XGROUP CREATE k1 g $",
	"XINFO STREAM k1",
	"MEMORY USAGE k1",
	"PUBLISH channel message",
	"TIME",
}

// keyWords turns a command line into words as keyPositions sees them.
func keyWords(line string) ([]string, words) {
	f := strings.Fields(line)
	return f, words{n: len(f), literal: func(i int) (string, bool) { return f[i], true }}
}

func resolveCommand(f []string) *command {
	cmd := commands().lookup(f[0])
	if len(cmd.Subcommands) > 0 {
		cmd = cmd.subcommand(f[1])
	}
	return cmd
}

func TestKeyPositions(t *testing.T) {
	for _, line := range keyCases {
		f, w := keyWords(line)
		var got, want []string
		for _, p := range resolveCommand(f).keyPositions(w) {
			got = append(got, f[p])
		}
		for _, a := range f {
			if len(a) == 2 && a[0] == 'k' && a[1] >= '0' && a[1] <= '9' {
				want = append(want, a)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: keys %v, want %v", line, got, want)
		}
	}
}

// TestKeyPositionsMatchRedis compares the key specs' reading with Redis's
// own COMMAND GETKEYS.
func TestKeyPositionsMatchRedis(t *testing.T) {
	s := redistest.NewStandalone(t)
	for _, line := range keyCases {
		f, w := keyWords(line)
		if len(f) == 1 {
			continue // COMMAND GETKEYS needs arguments
		}
		var got []string
		for _, p := range resolveCommand(f).keyPositions(w) {
			got = append(got, f[p])
		}
		reply, err := s.Do(append([]string{"COMMAND", "GETKEYS"}, f...)...)
		var want []string
		if err == nil {
			for _, k := range reply.([]any) {
				want = append(want, k.(string))
			}
		} else if !strings.Contains(err.Error(), "no key arguments") && !strings.Contains(err.Error(), "Invalid arguments") {
			t.Fatalf("%s: %v", line, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: keys %v, Redis says %v", line, got, want)
		}
	}
}

func TestKeyPositionsOpenTail(t *testing.T) {
	for _, c := range []struct {
		line string // the last word stands for unpack(...)
		want []int
	}{
		{"DEL tail", []int{1}},
		{"DEL k1 tail", []int{1, 2}},
		{"SADD k1 tail", []int{1}},
		{"SET tail", []int{1}},
		{"MSET k1 v1 tail", []int{1, 3}},
		{"ZUNIONSTORE k1 n tail", []int{1, 3}},       // unknown count: the first key only
		{"ZUNIONSTORE k1 2 k2 tail", []int{1, 3, 4}}, // the count says k2 and one more
		{"XREAD STREAMS tail", []int{2}},             // keys and IDs: the tail must hold keys
		{"BLPOP k1 tail", []int{1, 2}},
	} {
		f, w := keyWords(c.line)
		w.open = true
		if got := resolveCommand(f).keyPositions(w); !slices.Equal(got, c.want) {
			t.Errorf("%s: positions %v, want %v", c.line, got, c.want)
		}
	}
}

// TestMessagesMatchRedis runs a script for each check on a real server and
// expects the error vet quotes in its message.
func TestMessagesMatchRedis(t *testing.T) {
	s := redistest.NewStandalone(t)
	for _, c := range []struct {
		check    diag.Check
		script   string
		readOnly bool
	}{
		{diag.UnknownCommand, "redis.call('HSETT', KEYS[1], 'f', 'v')", false},
		{diag.UnknownCommand, "redis.call('OBJECT', 'ENCODINGX', KEYS[1])", false},
		{diag.CommandArity, "redis.call('GET', KEYS[1], 'x')", false},
		{diag.CommandArity, "redis.call('OBJECT')", false},
		{diag.CommandArity, "redis.call()", false},
		{diag.NoscriptCommand, "redis.call('BLPOP', KEYS[1], 0)", false},
		{diag.WriteInReadonly, "redis.call('SET', KEYS[1], 'v')", true},
		{diag.WriteInReadonly, "redis.call('PUBLISH', 'c', 'm')", true},
		{diag.WriteInReadonly, "redis.call('PFCOUNT', KEYS[1])", true},
		{diag.GlobalWrite, "x = 1", false},
		{diag.GlobalWrite, "function f() end", false},
		{diag.GlobalWrite, "redis.x = 1", false},
		{diag.UndefinedGlobal, "return print", false},
		{diag.UndefinedGlobal, "redis.cal('GET', KEYS[1])", false},
	} {
		src := "--[[luagen\nkeys: [k]\nreturns: none\n]]\n" + c.script + "\n"
		sc := &model.Script{File: "x.lua", Keys: []model.Param{{Name: "k"}}, ReadOnly: c.readOnly}
		var found *diag.Diagnostic
		for _, d := range Script(sc, luasrc.Prepare("x.lua", []byte(src))) {
			if d.Check == c.check {
				found = &d
				break
			}
		}
		if found == nil {
			t.Errorf("%s: no %s finding", c.script, c.check)
			continue
		}
		eval := "EVAL"
		if c.readOnly {
			eval = "EVAL_RO"
		}
		_, err := s.Do(eval, src, "1", "vet:test")
		if err == nil {
			t.Errorf("%s: Redis ran it", c.script)
			continue
		}
		quoted := found.Msg
		quoted = quoted[strings.Index(quoted, `("`)+2 : strings.LastIndex(quoted, `")`)]
		if !strings.Contains(err.Error(), quoted) {
			t.Errorf("%s: Redis says %q; vet quotes %q", c.script, err, quoted)
		}
	}
}

// TestColumns checks that names are matched to their own token when a line
// holds the same name more than once, and in constructs the walk and the
// scan could disagree on.
func TestColumns(t *testing.T) {
	for _, c := range []struct {
		src  string
		want string // line:col of the one finding
	}{
		{"local x = {x = 1}; y = x", "1:20"},
		{"local t = {}; t.y = 1; y = t.y", "1:24"},
		{"local function f(y) return y end; y = f(1)", "1:35"},
		{"local a = 'y'; local b = a .. 'y'; y = b", "1:36"},
		{"local o = {}; function o:m(y) return self, y end; y = 1", "1:51"},
		{"for y = 1, 2 do end; for _, y in ipairs({}) do end; y = 1", "1:53"},
		{"local y = 1\nlocal z =\n  y + 1; y = z; q = 1", "3:17"},
	} {
		sc := &model.Script{File: "x.lua"}
		var got []string
		for _, d := range Script(sc, luasrc.Prepare("x.lua", []byte(c.src))) {
			got = append(got, fmt.Sprintf("%d:%d", d.Line, d.Col))
		}
		if len(got) != 1 || got[0] != c.want {
			t.Errorf("%q: findings at %v, want %s", c.src, got, c.want)
		}
	}
}

// TestAliasesAsDirect checks that every check that looks at calls sees a
// call through an alias, a table field, an upvalue or a wrapper function
// exactly as the same call of redis.call: the same findings, named the
// same, only marked with the function they came through.
func TestAliasesAsDirect(t *testing.T) {
	forms := []struct{ name, src string }{
		{"alias", "local rcall = redis.call\nrcall(%s)\n"},
		{"pcall alias", "local rcall = redis.pcall\nrcall(%s)\n"},
		{"table field", "local r = {call = redis.call}\nr.call(%s)\n"},
		{"redis table alias", "local red = redis\nred.call(%s)\n"},
		{"upvalue", "local rcall = redis.call\nlocal function f()\n  return rcall(%s)\nend\nf()\n"},
		{"varargs wrapper", "local function w(...)\n  return redis.call(...)\nend\nw(%s)\n"},
		{"nested wrappers", "local rcall = redis.call\nlocal function inner(...)\n  return rcall(...)\nend\nlocal function outer(a, b, ...)\n  return inner(a, b, ...)\nend\nouter(%s)\n"},
	}
	for _, c := range []struct {
		args     string
		readOnly bool
		check    diag.Check
	}{
		{"'HSETT', KEYS[1], 'f', 'v'", false, diag.UnknownCommand},
		{"'OBJECT', 'ENCODINGX', KEYS[1]", false, diag.UnknownCommand},
		{"'GET', KEYS[1], 'x'", false, diag.CommandArity},
		{"'BLPOP', KEYS[1], 0", false, diag.NoscriptCommand},
		{"'SET', KEYS[1], 'v'", true, diag.WriteInReadonly},
		{"'GET', 'x:' .. ARGV[1]", false, diag.KeyNotFromKeys},
		{"'DEL', KEYS[1], unpack(ARGV)", false, diag.KeyNotFromKeys},
		{"'GET', ARGV[2] .. KEYS[1]", false, ""}, // ARGV[2] is a prefix
	} {
		sc := &model.Script{File: "x.lua", Keys: []model.Param{{Name: "k"}}, ReadOnly: c.readOnly,
			Args: []model.Param{{Name: "a"}, {Name: "p", Prefix: true}}}
		findings := func(src string) []string {
			var out []string
			for _, d := range Script(sc, luasrc.Prepare("x.lua", []byte(src))) {
				msg := d.Msg
				if i := strings.Index(msg, " (through "); i >= 0 {
					msg = msg[:i] + msg[strings.Index(msg[i:], ")")+i+1:]
				}
				out = append(out, string(d.Check)+": "+strings.ReplaceAll(msg, "redis.pcall", "redis.call"))
			}
			return out
		}
		direct := findings("redis.call(" + c.args + ")\n")
		if c.check == "" && len(direct) > 0 || c.check != "" && (len(direct) != 1 || !strings.HasPrefix(direct[0], string(c.check)+": ")) {
			t.Errorf("redis.call(%s): %q, want one %s finding", c.args, direct, c.check)
			continue
		}
		for _, f := range forms {
			if got := findings(fmt.Sprintf(f.src, c.args)); !slices.Equal(got, direct) {
				t.Errorf("%s with %s:\n got %q\nwant %q", f.name, c.args, got, direct)
			}
		}
	}
}

// TestSelfFilledTables checks that tables filled from themselves, which a
// naive walk would follow in exponential time, are judged quickly.
func TestSelfFilledTables(t *testing.T) {
	var b strings.Builder
	// t[i+1] holds t[i] five times over: 5^20 paths from t[21] to KEYS[1].
	b.WriteString("local t = {KEYS[1]}\n")
	for i := 1; i <= 20; i++ {
		for range 5 {
			fmt.Fprintf(&b, "t[%d] = t[%d]\n", i+1, i)
		}
	}
	b.WriteString("redis.call('GET', t[21])\nredis.call('DEL', unpack(t))\n")
	sc := &model.Script{File: "x.lua", Keys: []model.Param{{Name: "k"}}}
	done := make(chan diag.List)
	go func() { done <- Script(sc, luasrc.Prepare("x.lua", []byte(b.String()))) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("vet takes more than 10s on a table filled from itself")
	}
}

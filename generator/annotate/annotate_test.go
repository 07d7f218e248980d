package annotate

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/luagen/luagen/generator"
	"github.com/luagen/luagen/generator/diag"
)

func TestNameFrom(t *testing.T) {
	for _, tc := range []struct{ doc, kind, want string }{
		{"'wait'", "key", "wait"},
		{"events stream key", "key", "events_stream"},
		{"marker key", "key", "marker"},
		{"key", "key", "key"},
		{"msg", "arg", "msg"},
		{"'active' list", "key", "active_list"},
		{"asynq:{<qname>}:t:<task_id>", "key", "t_task_id"},
		{"asynq:{<qname>}:pending", "key", "pending"},
		{"{<qname>}", "key", "qname"},
		{"jobId", "arg", "job_id"},
		{"lockDuration (ms)", "arg", "lock_duration"},
		{"the HTTPServer address", "arg", "http_server_address"},
		{"list of jobIDs", "arg", "list_job_ids"},
		{"current unix time in nsec", "arg", "current_unix_time"},
		{"the lock - held by a worker", "key", "lock"},
		{"10 seconds", "arg", ""},
		{"", "arg", ""},
		{"¿qué?", "arg", "qu"},
	} {
		if got := nameFrom(tc.doc, tc.kind); got != tc.want {
			t.Errorf("nameFrom(%q, %s) = %q, want %q", tc.doc, tc.kind, got, tc.want)
		}
	}
}

func annotate(t *testing.T, name, src string, files map[string]string) *Result {
	t.Helper()
	r, diags := Script(name, []byte(src), Options{Read: func(n string) ([]byte, error) {
		if s, ok := files[n]; ok {
			return []byte(s), nil
		}
		return nil, fmt.Errorf("open %s: %w", n, fs.ErrNotExist)
	}})
	if r == nil || diags.HasErrors() {
		t.Fatalf("Script(%s): %v", name, diags)
	}
	return r
}

func TestScript(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      string // the header, without its first and last lines
	}{
		{"a.lua", "return redis.call('GET', KEYS[2])",
			"readonly: true\nkeys:\n  - {name: key1}  # KEYS[1]\n  - {name: key2}  # KEYS[2]"},
		// Writes through an alias, a key count from the file name.
		{"incr-2.lua", "local rcall = redis.call\nreturn rcall('INCR', KEYS[1])",
			"name: incr\nkeys:\n  - {name: key1}  # KEYS[1]\n  - {name: key2}  # KEYS[2]"},
		// redis.call passed around: its calls cannot be seen, so not read-only.
		{"b.lua", "return pcall(redis.call, 'GET', 'x')", ""},
		{"b2.lua", "local t = {redis.pcall}\nreturn t[1]('GET', 'x')", ""},
		// ... unless to a local function the walk follows.
		{"b3.lua", "local function run(f) return f('GET', 'x') end\nreturn run(redis.call)", "readonly: true"},
		{"c.lua", "local r = redis\nreturn r.call('DEL', KEYS[1])", "keys:\n  - {name: key1}  # KEYS[1]"},
		// A command name chosen at run time.
		{"d.lua", "return redis.call(ARGV[1], KEYS[1])", "keys:\n  - {name: key1}  # KEYS[1]\nargs:\n  - {name: arg1, type: string}  # ARGV[1]"},
		// Dynamic reads make the last param variadic.
		{"e.lua", "return redis.call('MGET', unpack(KEYS))", "readonly: true\nkeys:\n  - {name: keys, variadic: true}  # KEYS[1] and up"},
		{"f.lua", "local x = ARGV[1]\nfor i = 2, #ARGV do x = x .. ARGV[i] end\nreturn x",
			"readonly: true\nargs:\n  - {name: arg1, type: string}  # ARGV[1]\n  - {name: more_args, type: string, variadic: true}  # ARGV[2] and up"},
		// A key built from a param, through a local and a function's parameter.
		{"g.lua", "local base = ARGV[1]\nlocal function get(p, id) local k = p .. id .. ':x'; return redis.call('GET', k) end\nreturn get(base, ARGV[2])",
			"readonly: true\nargs:\n  - {name: arg1, type: string, prefix: true}  # ARGV[1]\n  - {name: arg2, type: string}  # ARGV[2]"},
		// A shebang without no-writes: readonly: true would need the flag.
		{"h.lua", "#!lua flags=allow-oom\nreturn redis.call('GET', KEYS[1])", "keys:\n  - {name: key1}  # KEYS[1]"},
		{"i.lua", "#!lua flags=no-writes", "readonly: true"},
		// Names: from docs, unique by Go name, not Go keywords.
		{"j.lua", "-- KEYS[1] type\n-- KEYS[2] user id\n-- ARGV[1] userID\n-- ARGV[2] id\nreturn redis.call('GET', KEYS[1] .. KEYS[2] .. ARGV[1] .. ARGV[2])",
			"readonly: true\nkeys:\n  - {name: type_key, prefix: true, doc: \"type\"}  # KEYS[1]\n  - {name: user_id}  # KEYS[2]\nargs:\n  - {name: user_id_arg, type: string, doc: \"userID\"}  # ARGV[1]\n  - {name: id, type: string}  # ARGV[2]"},
		// A file name that is no identifier.
		{"1st try.lua", "return 1", "name: script_1st_try\nreadonly: true"},
		// Docs: the leading comment's first paragraph, ]] kept out.
		{"k.lua", "--[==[\n  Input:\n  Counts [[things]].\n  More.\n\n  Later.\n]==]\nreturn 1", "doc: \"Counts [ [things] ]. More.\"\nreadonly: true"},
	} {
		r := annotate(t, tc.name, tc.src, nil)
		want := "--[[luagen\n" + tc.want + "\nreturns: raw\n]]\n"
		if tc.want == "" {
			want = "--[[luagen\nreturns: raw\n]]\n"
		}
		if r.Header != want {
			t.Errorf("%s: header\n%s\nwant\n%s", tc.name, r.Header, want)
		}
		out := string(r.Out)
		if strings.HasPrefix(tc.src, "#!") {
			line, rest, _ := strings.Cut(tc.src, "\n")
			if !strings.HasPrefix(out, line+"\n"+r.Header) || !strings.HasSuffix(out, rest) {
				t.Errorf("%s: shebang and body not kept: %q", tc.name, out)
			}
		} else if out != r.Header+tc.src {
			t.Errorf("%s: Out = %q", tc.name, out)
		}
	}
}

func TestScriptIncludes(t *testing.T) {
	files := map[string]string{"s/inc/get.lua": "local function get(p) return rcall('GET', p .. ':x') end\n"}
	r := annotate(t, "s/a.lua", "local rcall = redis.call\n--- @include \"inc/get\"\nreturn get(ARGV[1])\n", files)
	if !r.ReadOnly || len(r.Args) != 1 || !r.Args[0].Prefix || fmt.Sprint(r.Includes) != "[s/inc/get.lua]" {
		t.Errorf("%+v", r)
	}
	for _, src := range []string{"--- @include \"nope\"\nreturn 1", "return (", "goto x"} {
		if r, diags := Script("x.lua", []byte(src), Options{}); r != nil || !diags.HasErrors() {
			t.Errorf("Script(%q) = %v, %v; want errors", src, r, diags)
		}
	}
}

// TestScriptGenerates checks that what Script writes loads without an
// error, and that the body is kept, for bodies of every shape.
func TestScriptGenerates(t *testing.T) {
	for _, src := range []string{
		"return 1",
		"-- KEYS[1] -> the key\n-- KEYS[1] -> again\n-- ARGV[3] <- odd\nreturn redis.call('SET', KEYS[1], ARGV[1])",
		"-- ARGV[1] end\n-- ARGV[2] func\n-- KEYS[1] ctx\nreturn {KEYS[1], ARGV[1], ARGV[2]}",
		"#!lua flags=no-writes\r\n-- KEYS[1]: key \"quoted\" \\ back\r\nreturn redis.call('GET', KEYS[1])\r\n",
		"local t = {}\nfor i, k in ipairs(KEYS) do t[i] = redis.call('GET', k) end\nreturn t",
		"-- ARGV[1] s\n-- ARGV[2] s\n-- ARGV[3] S\nreturn ARGV[1] .. ARGV[2] .. ARGV[3]",
	} {
		r, diags := Script("some-script-3.lua", []byte(src), Options{})
		if r == nil {
			t.Errorf("Script(%q): %v", src, diags)
			continue
		}
		sc, diags := generator.LoadScript("some-script-3.lua", r.Out)
		if diags.HasErrors() || sc.GoName == "" {
			t.Errorf("%q annotated:\n%s\ndoes not load: %v", src, r.Out, diags)
		}
		if HasHeader([]byte(src)) || !HasHeader(r.Out) {
			t.Errorf("HasHeader")
		}
	}
}

func FuzzScript(f *testing.F) {
	f.Add("-- KEYS[1] 'wait'\nlocal rcall = redis.call\nreturn rcall('GET', KEYS[1] .. ARGV[2])")
	f.Add("#!lua\n--[[ ARGV[1] -> x ]] return #KEYS")
	f.Add("-- ARGV[99999999999999999999] big\nreturn ARGV[1]")
	f.Fuzz(func(t *testing.T, src string) {
		r, diags := Script("x-2.lua", []byte(src), Options{})
		if r == nil {
			if !diags.HasErrors() {
				t.Fatal("no result and no error")
			}
			return
		}
		if !strings.HasSuffix(string(r.Out), strings.TrimPrefix(src, firstLine(src))) {
			t.Fatalf("body changed: %q", r.Out)
		}
		sc, diags := generator.LoadScript("x-2.lua", r.Out)
		if sc == nil || sc.HeaderLine == 0 {
			t.Fatalf("the header written does not load:\n%s\n%v", r.Out, diags)
		}
		// The body may be wrong in many ways; the header must not be.
		for _, d := range diags {
			switch {
			case d.Check == diag.Header, d.Check == diag.HeaderYAML, d.Check == diag.HeaderField, d.Check == diag.HeaderType,
				d.Check == diag.ScriptName, d.Check == diag.ParamName, d.Check == diag.VariadicParam, d.Check == diag.PrefixParam,
				(d.Check == diag.KeysIndex || d.Check == diag.ArgvIndex) && strings.Contains(d.Msg, "; declare the"),
				d.Check == diag.WriteInReadonly, d.Check == diag.DynamicKeysIndex:
				t.Fatalf("annotated:\n%s\n%s", r.Out, d)
			}
		}
	})
}

func firstLine(s string) string {
	if !strings.HasPrefix(s, "#!") {
		return ""
	}
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i+1]
	}
	return s
}

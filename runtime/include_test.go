package runtime_test

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
)

// TestScriptErrorInInclude runs a script flattened from two files, as the
// generator emits it for a script with an @include line, and checks that
// an error Redis blames on a line of the included file names that file
// and line, for single calls and in a batch, and that a line of the
// script's own names the script.
func TestScriptErrorInInclude(t *testing.T) {
	ctx := ctxT(t)
	r := runtime.New(newClient(t, redistest.Standalone(t).Addr()))
	// scripts/job.lua:
	//	1 -- job <unique>
	//	2 local rcall = redis.call
	//	3 --- @include "includes/fail"
	//	4 if ARGV[1] == "include" then return fail(KEYS[1]) end
	//	5 return rcall("INCR", KEYS[1], "extra")
	// scripts/includes/fail.lua:
	//	1 -- Fails on purpose: HSET needs a field and a value.
	//	2 local function fail(k)
	//	3   return rcall("HSET", k)
	//	4 end
	src := fmt.Sprintf("-- job %d %d\n", time.Now().UnixNano(), uniq.Add(1)) +
		"local rcall = redis.call\n" +
		"-- Fails on purpose: HSET needs a field and a value.\n" +
		"local function fail(k)\n" +
		"  return rcall(\"HSET\", k)\n" +
		"end\n" +
		"\n" +
		"if ARGV[1] == \"include\" then return fail(KEYS[1]) end\n" +
		"return rcall(\"INCR\", KEYS[1], \"extra\")\n"
	sum := sha1.Sum([]byte(src))
	lines := luagenimpl.Lines{
		{Line: 1, File: "scripts/job.lua", From: 1},
		{Line: 3, File: "scripts/includes/fail.lua", From: 1},
		{Line: 7, File: "scripts/job.lua", From: 3},
	}
	s := luagenimpl.NewScript("Job", "scripts/job.lua", src, hex.EncodeToString(sum[:]), false, lines)

	check := func(t *testing.T, err error, file string, line int, includedBy string) {
		t.Helper()
		var se *runtime.ScriptError
		if !errors.As(err, &se) {
			t.Fatalf("err = %v (%T), want *ScriptError", err, err)
		}
		if se.File != file || se.Line != line || se.IncludedBy != includedBy {
			t.Fatalf("ScriptError at %s:%d included by %q, want %s:%d included by %q (%v)", se.File, se.Line, se.IncludedBy, file, line, includedBy, se)
		}
		where := fmt.Sprintf("%s:%d", file, line)
		if includedBy != "" {
			where += ", included by " + includedBy
		}
		if !strings.Contains(se.Error(), "("+where+")") {
			t.Fatalf("message %q lacks %q", se, where)
		}
	}
	for _, tc := range []struct {
		arg, file string
		line      int
		by        string
	}{
		{"include", "scripts/includes/fail.lua", 3, "scripts/job.lua"},
		{"own", "scripts/job.lua", 5, ""},
	} {
		_, err := luagenimpl.Call(ctx, r, s, []string{"job"}, []string{tc.arg}, luagenimpl.DecodeInt64)
		check(t, err, tc.file, tc.line, tc.by)

		b := r.NewBatch()
		f := luagenimpl.Queue(b, s, []string{"job"}, []string{tc.arg}, luagenimpl.DecodeInt64)
		if err := b.Exec(ctx); err == nil {
			t.Fatal("Exec = nil, want an error")
		}
		_, err = f.Get()
		check(t, err, tc.file, tc.line, tc.by)
	}
}

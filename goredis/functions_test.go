package goredis_test

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/luagen/luagen/generator/library"
	"github.com/luagen/luagen/generator/model"
	"github.com/luagen/luagen/goredis"
	"github.com/luagen/luagen/goredis/luagenimpl"
	"github.com/luagen/luagen/internal/redistest"
)

type libScript struct {
	name     string
	body     string
	readOnly bool
}

// newLibrary builds, as the generator does, a library of scripts whose
// library and function names are unique to this run.
func newLibrary(t testing.TB, scripts ...libScript) (*goredis.Library, []*goredis.Script) {
	t.Helper()
	n := uniq.Add(1)
	pkg := &model.Package{Name: "lib", Scripts: "scripts", Library: fmt.Sprintf("grlib%d", n)}
	for i, s := range scripts {
		sum := sha1.Sum([]byte(s.body))
		pkg.Files = append(pkg.Files, &model.Script{
			File: fmt.Sprintf("scripts/%02d_%s.lua", i, s.name), Source: s.body,
			SHA1: hex.EncodeToString(sum[:]), Name: fmt.Sprintf("%s_%d", s.name, n), ReadOnly: s.readOnly,
		})
	}
	lib := library.Build(pkg)
	rl := luagenimpl.NewLibrary(lib.Name, lib.Source, lib.Version)
	out := make([]*goredis.Script, len(scripts))
	for i, s := range pkg.Files {
		fn := lib.Functions[s]
		out[i] = luagenimpl.InLibrary(luagenimpl.NewScript(scripts[i].name, s.File, s.Source, s.SHA1, s.ReadOnly), rl, fn.Name, fn.Offset)
	}
	return rl, out
}

// fnStats sums FUNCTION LOAD (on masters) and FCALL calls over nodes, and
// the script calls.
func fnStats(t *testing.T, nodes []*redistest.Server) (loads, fcalls, evals int64) {
	t.Helper()
	for _, n := range nodes {
		st, err := redistest.CommandStats(n)
		if err != nil {
			t.Fatal(err)
		}
		if role, _ := n.Role(); role == "master" { // replicas count the replicated load too
			loads += st["function|load"]
		}
		fcalls += st["fcall"] + st["fcall_ro"]
		evals += st["evalsha"] + st["evalsha_ro"] + st["eval"] + st["eval_ro"]
	}
	return
}

// TestFunctions: a library's scripts go by FCALL (FCALL_RO when read-only),
// errors name the .lua file and line, and after FUNCTION FLUSH a single
// call and a batch over every slot load the library once per master (a
// KeepOrder batch too) and run each call once; Versions and Sync read and
// update the nodes' libraries.
func TestFunctions(t *testing.T) {
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			p := prefix(t)
			lib, ss := newLibrary(t,
				libScript{name: "ledger", body: ledgerBody},
				libScript{name: "get", body: "return redis.call('GET', KEYS[1])", readOnly: true},
				libScript{name: "bad", body: "local x = 1\nerror('boom')"})
			ledger, get, bad := ss[0], ss[1], ss[2]
			r := goredis.New(d.client)
			masters := d.nodes
			if d.cluster {
				masters = redistest.Cluster(t).Masters()
			}
			resetStats(t, d.nodes)
			keys := ledgerKeys(p, "a")
			if v, err := luagenimpl.Call(ctx, r, ledger, keys, []string{"3"}, luagenimpl.DecodeInt64); err != nil || v != 3 {
				t.Fatalf("Call = %v, %v", v, err)
			}
			if v, err := luagenimpl.Call(ctx, r, get, keys[1:], nil, luagenimpl.DecodeInt64); err != nil || v != 3 {
				t.Fatalf("read-only Call = %v, %v", v, err)
			}
			_, err := luagenimpl.Call(ctx, r, bad, keys[:1], nil, luagenimpl.DecodeNone)
			var se *goredis.ScriptError
			if !errors.As(err, &se) || se.File != "scripts/02_bad.lua" || se.Line != 2 {
				t.Fatalf("error = %v; want a ScriptError at scripts/02_bad.lua:2", err)
			}
			loads, fcalls, evals := fnStats(t, d.nodes)
			// The first call found the library missing: one load, then it ran.
			if loads != 1 || fcalls != 4 || evals != 0 {
				t.Fatalf("loads %d, fcalls %d, script calls %d; want 1, 4, 0", loads, fcalls, evals)
			}
			st := stats(t, d.nodes)
			if st["fcall_ro"] != 1 {
				t.Fatalf("FCALL_RO = %d, want 1", st["fcall_ro"])
			}

			for _, keep := range []bool{false, true} {
				for _, n := range d.nodes {
					if role, _ := n.Role(); role == "master" {
						if _, err := n.Do("FUNCTION", "FLUSH", "SYNC"); err != nil {
							t.Fatal(err)
						}
					}
				}
				resetStats(t, d.nodes)
				const size = 300
				b := r.NewBatch()
				if keep {
					b.KeepOrder()
				}
				fs := make([]goredis.Future[int64], size)
				for i := range fs {
					fs[i] = luagenimpl.Queue(b, ledger, ledgerKeys(p, strconv.FormatBool(keep)+strconv.Itoa(i)), []string{"1"}, luagenimpl.DecodeInt64)
				}
				if err := b.Exec(ctx); err != nil {
					t.Fatal(err)
				}
				for i, f := range fs {
					if v, err := f.Get(); err != nil || v != 1 {
						t.Fatalf("keep=%v call %d = %v, %v", keep, i, v, err)
					}
					if n := count(t, d.client, ledgerKeys(p, strconv.FormatBool(keep)+strconv.Itoa(i))[0]); n != 1 {
						t.Fatalf("keep=%v call %d ran %d times", keep, i, n)
					}
				}
				loads, fcalls, evals := fnStats(t, d.nodes)
				wantFcalls := int64(2 * size) // missing, then run
				if keep {
					wantFcalls = size
				}
				if loads != int64(len(masters)) || fcalls != wantFcalls || evals != 0 {
					t.Fatalf("keep=%v: loads %d, fcalls %d, script calls %d; want %d, %d, 0", keep, loads, fcalls, evals, len(masters), wantFcalls)
				}
			}

			vs, err := r.Versions(ctx, lib)
			if err != nil || len(vs) != len(d.nodes) {
				t.Fatalf("Versions = %v, %v", vs, err)
			}
			for _, v := range vs {
				if !v.Current || v.Version != lib.Version() {
					t.Fatalf("Versions: %+v", v)
				}
			}
			for _, n := range masters {
				if _, err := n.Do("FUNCTION", "FLUSH", "SYNC"); err != nil {
					t.Fatal(err)
				}
			}
			vs, err = r.Sync(ctx, lib)
			if err != nil {
				t.Fatal(err)
			}
			replaced := 0
			for _, v := range vs {
				if v.Replaced {
					replaced++
				}
			}
			if replaced != len(masters) {
				t.Fatalf("Sync replaced on %d nodes, want %d: %+v", replaced, len(masters), vs)
			}
		})
	}
}

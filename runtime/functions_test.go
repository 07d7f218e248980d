package runtime_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/luagen/luagen/generator/library"
	"github.com/luagen/luagen/generator/model"
	"github.com/luagen/luagen/internal/conformance"
	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
	"github.com/redis/rueidis"
)

// libScript is a script of a test library.
type libScript struct {
	name     string
	body     string
	readOnly bool
}

// newLibrary builds, as the generator does (generator/library), a library
// of scripts whose library and function names are unique to this run, and
// returns it with its scripts in order.
func newLibrary(t testing.TB, scripts ...libScript) (*runtime.Library, []*runtime.Script) {
	t.Helper()
	n := uniq.Add(1)
	pkg := &model.Package{Name: "lib", Scripts: "scripts", Library: fmt.Sprintf("tlib%d", n)}
	for i, s := range scripts {
		src := s.body
		sum := sha1.Sum([]byte(src))
		pkg.Files = append(pkg.Files, &model.Script{
			File:     fmt.Sprintf("scripts/%02d_%s.lua", i, s.name),
			Source:   src,
			SHA1:     hex.EncodeToString(sum[:]),
			Name:     fmt.Sprintf("%s_%d", s.name, n),
			ReadOnly: s.readOnly,
		})
		if strings.HasPrefix(src, "#!") {
			pkg.Files[i].Shebang, _, _ = strings.Cut(src, "\n")
		}
	}
	lib := library.Build(pkg)
	rl := luagenimpl.NewLibrary(lib.Name, lib.Source, lib.Version)
	out := make([]*runtime.Script, len(scripts))
	for i, s := range pkg.Files {
		fn := lib.Functions[s]
		out[i] = luagenimpl.InLibrary(luagenimpl.NewScript(scripts[i].name, s.File, s.Source, s.SHA1, s.ReadOnly), rl, fn.Name, fn.Offset)
	}
	return rl, out
}

// fnStats sums FUNCTION LOAD and FCALL calls over nodes.
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

func resetStats(t *testing.T, nodes []*redistest.Server) {
	t.Helper()
	for _, n := range nodes {
		if err := n.ResetStats(); err != nil {
			t.Fatal(err)
		}
	}
}

func functionFlush(t *testing.T, nodes []*redistest.Server) {
	t.Helper()
	for _, n := range nodes {
		if role, _ := n.Role(); role != "master" {
			continue
		}
		if _, err := n.Do("FUNCTION", "FLUSH"); err != nil {
			t.Fatalf("FUNCTION FLUSH on %s: %v", n.Addr(), err)
		}
	}
}

const fnResultsBody = `--[[luagen
doc: every result type
]]
local k = KEYS[1]
local what = ARGV[1]
if what == 'int' then return redis.call('INCRBY', k, ARGV[2]) end
if what == 'str' then return 'v:' .. k end
if what == 'nil' then return redis.call('GET', k .. ':none') end
if what == 'bool' then return ARGV[2] == '1' end
if what == 'float' then return tostring(tonumber(ARGV[2]) / 4) end
if what == 'arr' then return {k, ARGV[2], 'x'} end
if what == 'ints' then return {1, 2, tonumber(ARGV[2])} end
if what == 'map' then redis.call('HSET', k .. ':h', 'f', ARGV[2]); return redis.call('HGETALL', k .. ':h') end
if what == 'struct' then return {1, 'two', false} end
if what == 'err' then
  return redis.error_reply('MYERR told to fail')
end
error('boom at line 18')
`

// TestFunctionsResults runs every result type through FCALL, single and in
// pipelines over every slot, checks that they really went by FCALL (and
// FCALL_RO to the read-only function), that the library was loaded once
// per master however many calls found it missing, and that errors name
// the .lua file and line.
func TestFunctionsResults(t *testing.T) {
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			p := prefix(t)
			lib, ss := newLibrary(t, libScript{name: "results", body: fnResultsBody}, libScript{name: "get", body: "return redis.call('GET', KEYS[1])", readOnly: true})
			res, get := ss[0], ss[1]
			r := runtime.New(d.client)
			resetStats(t, d.nodes)

			check := func(what string, got, want any, err error) {
				t.Helper()
				if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("%s = %v, %v; want %v", what, got, err, want)
				}
			}
			k := "{" + p + "k}"
			n, err := luagenimpl.Call(ctx, r, res, []string{k}, []string{"int", "5"}, luagenimpl.DecodeInt64)
			check("int", n, 5, err)
			s, err := luagenimpl.Call(ctx, r, res, []string{k}, []string{"str"}, luagenimpl.DecodeString)
			check("str", s, "v:"+k, err)
			np, err := luagenimpl.Call(ctx, r, res, []string{k}, []string{"nil"}, func(m rueidis.RedisMessage) (*string, error) {
				return luagenimpl.Nullable(m, luagenimpl.DecodeString)
			})
			check("nil", np == nil, true, err)
			b, err := luagenimpl.Call(ctx, r, res, []string{k}, []string{"bool", "1"}, luagenimpl.DecodeBool)
			check("bool", b, true, err)
			f, err := luagenimpl.Call(ctx, r, res, []string{k}, []string{"float", "3"}, luagenimpl.DecodeFloat64)
			check("float", f, 0.75, err)
			arr, err := luagenimpl.Call(ctx, r, res, []string{k}, []string{"arr", "y"}, luagenimpl.DecodeStrings)
			check("arr", arr, []string{k, "y", "x"}, err)
			ints, err := luagenimpl.Call(ctx, r, res, []string{k}, []string{"ints", "7"}, luagenimpl.DecodeInt64s)
			check("ints", ints, []int64{1, 2, 7}, err)
			m, err := luagenimpl.Call(ctx, r, res, []string{k}, []string{"map", "z"}, luagenimpl.DecodeStringMap)
			check("map", m, map[string]string{"f": "z"}, err)
			raw, err := luagenimpl.Call(ctx, r, res, []string{k}, []string{"struct"}, luagenimpl.DecodeRaw)
			arrRaw, _ := raw.ToArray()
			check("struct", len(arrRaw), 3, err)
			g, err := luagenimpl.Call(ctx, r, get, []string{k}, nil, luagenimpl.DecodeInt64)
			check("readonly get", g, 5, err)

			// Errors name the file and its line.
			_, err = luagenimpl.Call(ctx, r, res, []string{k}, []string{"boom"}, luagenimpl.DecodeRaw)
			var se *runtime.ScriptError
			if !errors.As(err, &se) || se.File != "scripts/00_results.lua" || se.Line != 18 {
				t.Fatalf("runtime error = %#v; want a ScriptError at scripts/00_results.lua:18", err)
			}
			t.Logf("runtime error: %v", err)
			_, err = luagenimpl.Call(ctx, r, res, []string{k}, []string{"err"}, luagenimpl.DecodeRaw)
			if !errors.As(err, &se) || se.Code != "MYERR" {
				t.Fatalf("error_reply = %v; want a ScriptError with code MYERR", err)
			}

			// A pipeline over every slot, after FUNCTION FLUSH: every call
			// finds the function missing on its master once, and the
			// library is loaded once per master.
			functionFlush(t, d.nodes)
			resetStats(t, d.nodes)
			const size = 3000
			batch := r.NewBatch()
			ints2 := make([]runtime.Future[int64], size)
			strs := make([]runtime.Future[string], size)
			gets := make([]runtime.Future[int64], size)
			bools := make([]runtime.Future[bool], size)
			floats := make([]runtime.Future[float64], size)
			arrs := make([]runtime.Future[[]string], size)
			maps := make([]runtime.Future[map[string]string], size)
			nils := make([]runtime.Future[*string], size)
			for i := range size {
				key := "{" + p + "b" + strconv.Itoa(i) + "}"
				ints2[i] = luagenimpl.Queue(batch, res, []string{key}, []string{"int", strconv.Itoa(i)}, luagenimpl.DecodeInt64)
				strs[i] = luagenimpl.Queue(batch, res, []string{key}, []string{"str"}, luagenimpl.DecodeString)
				gets[i] = luagenimpl.Queue(batch, get, []string{key}, nil, luagenimpl.DecodeInt64)
				bools[i] = luagenimpl.Queue(batch, res, []string{key}, []string{"bool", strconv.Itoa(i % 2)}, luagenimpl.DecodeBool)
				floats[i] = luagenimpl.Queue(batch, res, []string{key}, []string{"float", strconv.Itoa(i)}, luagenimpl.DecodeFloat64)
				arrs[i] = luagenimpl.Queue(batch, res, []string{key}, []string{"arr", "y"}, luagenimpl.DecodeStrings)
				maps[i] = luagenimpl.Queue(batch, res, []string{key}, []string{"map", strconv.Itoa(i)}, luagenimpl.DecodeStringMap)
				nils[i] = luagenimpl.Queue(batch, res, []string{key}, []string{"nil"}, func(m rueidis.RedisMessage) (*string, error) {
					return luagenimpl.Nullable(m, luagenimpl.DecodeString)
				})
			}
			if err := batch.Exec(ctx); err != nil {
				t.Fatal(err)
			}
			for i := range size {
				key := "{" + p + "b" + strconv.Itoa(i) + "}"
				n, err := ints2[i].Get()
				check("batch int", n, i, err)
				s, err := strs[i].Get()
				check("batch str", s, "v:"+key, err)
				g, err := gets[i].Get()
				check("batch get", g, i, err)
				bv, err := bools[i].Get()
				check("batch bool", bv, i%2 == 1, err)
				fv, err := floats[i].Get()
				check("batch float", fv, float64(i)/4, err)
				av, err := arrs[i].Get()
				check("batch arr", av, []string{key, "y", "x"}, err)
				mv, err := maps[i].Get()
				check("batch map", mv, map[string]string{"f": strconv.Itoa(i)}, err)
				nv, err := nils[i].Get()
				check("batch nil", nv == nil, true, err)
			}
			loads, fcalls, evals := fnStats(t, d.nodes)
			masters := 0
			for _, n := range d.nodes {
				if role, _ := n.Role(); role == "master" {
					masters++
				}
			}
			t.Logf("after FUNCTION FLUSH: %d FUNCTION LOAD, %d FCALL(_RO), %d EVAL*", loads, fcalls, evals)
			if loads != int64(masters) || evals != 0 {
				t.Errorf("FUNCTION LOAD %d times on %d masters, EVAL* %d; want once per master and no EVAL", loads, masters, evals)
			}
			if fcalls < 8*size {
				t.Errorf("%d FCALLs for %d calls", fcalls, 8*size)
			}

			// Versions: every node holds this build.
			vs, err := r.Versions(ctx, lib)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vs {
				if !v.Current {
					t.Errorf("node %s (%s) holds version %q of %s; want %s", v.Node, v.Role, v.Version, v.Library, lib.Version())
				}
			}
		})
	}
}

// TestFunctionsFallback runs a library's scripts on a server without
// Functions (miniredis): they go by EVALSHA, with NOSCRIPT recovery, and
// the runner decided that once.
func TestFunctionsFallback(t *testing.T) {
	mr := miniredis.RunT(t)
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{mr.Addr()}, DisableCache: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	ctx := ctxT(t)
	lib, ss := newLibrary(t, libScript{name: "incr", body: "return redis.call('INCRBY', KEYS[1], ARGV[1])"})
	r := runtime.New(c)
	for i := 1; i <= 3; i++ {
		n, err := luagenimpl.Call(ctx, r, ss[0], []string{"k"}, []string{"2"}, luagenimpl.DecodeInt64)
		if err != nil || n != int64(2*i) {
			t.Fatalf("call %d = %d, %v", i, n, err)
		}
	}
	mr.FlushAll()
	b := r.NewBatch()
	fs := make([]runtime.Future[int64], 50)
	for i := range fs {
		fs[i] = luagenimpl.Queue(b, ss[0], []string{"b" + strconv.Itoa(i)}, []string{"1"}, luagenimpl.DecodeInt64)
	}
	if err := b.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	for i, f := range fs {
		if n, err := f.Get(); err != nil || n != 1 {
			t.Fatalf("batch call %d = %d, %v", i, n, err)
		}
	}
	if err := r.Load(ctx, ss...); err != nil {
		t.Fatalf("Load on a server without Functions: %v", err)
	}
	if _, err := r.Versions(ctx, lib); err == nil || !strings.Contains(err.Error(), "no Redis Functions") {
		t.Fatalf("Versions on a server without Functions = %v; want an error saying so", err)
	}
}

// TestFunctionsKeepOrder: after FUNCTION FLUSH, a KeepOrder batch of
// function calls and plain commands on one key runs in queue order (the
// library is loaded ahead of the calls), and a second ordered batch does
// not replace the library (no FUNCTION LOAD REPLACE per batch).
func TestFunctionsKeepOrder(t *testing.T) {
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			k := "{" + prefix(t) + "}k"
			lib, ss := newLibrary(t, libScript{name: "incr", body: "return redis.call('INCR', KEYS[1])"})
			r := runtime.New(d.client)
			if err := r.Load(ctx, ss...); err != nil {
				t.Fatal(err)
			}
			functionFlush(t, d.nodes)
			for round := range 2 {
				b := r.NewBatch().KeepOrder()
				f1 := luagenimpl.Queue(b, ss[0], []string{k}, nil, luagenimpl.DecodeInt64)
				g := b.Do(d.client.B().Get().Key(k).Build())
				f2 := luagenimpl.Queue(b, ss[0], []string{k}, nil, luagenimpl.DecodeInt64)
				if err := b.Exec(ctx); err != nil {
					t.Fatal(err)
				}
				n1, err1 := f1.Get()
				gv, _ := g.Get()
				got, _ := gv.ToString()
				n2, err2 := f2.Get()
				base := int64(2 * round)
				if err1 != nil || err2 != nil || n1 != base+1 || n2 != base+2 || got != strconv.FormatInt(base+1, 10) {
					t.Fatalf("round %d: incr %d %v, get %q, incr %d %v; want %d, %d, %d in order", round, n1, err1, got, n2, err2, base+1, base+1, base+2)
				}
			}
			vs, err := r.Versions(ctx, lib)
			if err != nil {
				t.Fatal(err)
			}
			// The batch went to k's master only: that one has the library.
			current := 0
			for _, v := range vs {
				if v.Role == "master" && v.Current {
					current++
				}
			}
			if current != 1 {
				t.Errorf("%d masters hold the library after ordered batches on one key; want 1: %+v", current, vs)
			}
		})
	}
}

// TestFunctionsBusy: while a long function runs past busy-reply-threshold,
// a call of another function gets BUSY: it is retried, so a short spin
// costs nothing, and past the retries it is a *runtime.ScriptError with
// Code "BUSY" naming the function's script.
func TestFunctionsBusy(t *testing.T) {
	sa := redistest.NewStandalone(t)
	if _, err := sa.Do("CONFIG", "SET", "busy-reply-threshold", "50"); err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	_, ss := newLibrary(t, libScript{name: "spin", body: conformance.SpinBody}, libScript{name: "incr", body: "return redis.call('INCR', KEYS[1])"})
	spin, incr := ss[0], ss[1]
	spinner, caller := runtime.New(newClient(t, sa.Addr())), runtime.New(newClient(t, sa.Addr()))
	if err := caller.Load(ctx, ss...); err != nil {
		t.Fatal(err)
	}
	spinFor := func(ms int) chan error {
		done := make(chan error, 1)
		go func() {
			_, err := luagenimpl.Call(context.Background(), spinner, spin, nil, []string{strconv.Itoa(ms)}, luagenimpl.DecodeInt64)
			done <- err
		}()
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if _, err := sa.Do("PING"); err != nil && strings.HasPrefix(err.Error(), "BUSY") {
				return done
			}
			if time.Now().After(deadline) {
				t.Fatal("the server never answered BUSY")
			}
		}
	}
	done := spinFor(400)
	n, err := luagenimpl.Call(ctx, caller, incr, []string{"k"}, nil, luagenimpl.DecodeInt64)
	if err != nil || n != 1 {
		t.Fatalf("call during a 400ms function = %d, %v; want it retried and run", n, err)
	}
	<-done
	done = spinFor(20000)
	_, err = luagenimpl.Call(ctx, caller, incr, []string{"k"}, nil, luagenimpl.DecodeInt64)
	var se *runtime.ScriptError
	if !errors.As(err, &se) || se.Code != "BUSY" || se.Script != "incr" {
		t.Fatalf("call during a 20s function = %v; want a ScriptError with Code BUSY", err)
	}
	t.Logf("BUSY: %v", err)
	if _, err := sa.Do("FUNCTION", "KILL"); err != nil {
		t.Fatal(err)
	}
	<-done
}

// TestFunctionsSentinel runs a library's scripts on a rueidis Sentinel
// client: FCALL, recovery after FUNCTION FLUSH on the master (single and
// batched), and Versions/Sync seeing the master and its replica.
func TestFunctionsSentinel(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Sentinel deployment")
	}
	d := redistest.NewSentinel(t)
	client, err := rueidis.NewClient(rueidis.ClientOption{
		InitAddress:  d.Addrs(),
		Sentinel:     rueidis.SentinelOption{MasterSet: redistest.SentinelSet},
		DisableCache: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	ctx := ctxT(t)
	lib, ss := newLibrary(t, libScript{name: "incr", body: "return redis.call('INCR', KEYS[1])"})
	r := runtime.New(client)
	resetStats(t, []*redistest.Server{d.Master})
	for i := range 3 {
		if i == 1 {
			functionFlush(t, []*redistest.Server{d.Master})
		}
		n, err := luagenimpl.Call(ctx, r, ss[0], []string{"s:n"}, nil, luagenimpl.DecodeInt64)
		if err != nil || n != int64(i+1) {
			t.Fatalf("call %d: %d, %v", i, n, err)
		}
	}
	functionFlush(t, []*redistest.Server{d.Master})
	b := r.NewBatch()
	fs := make([]runtime.Future[int64], 100)
	for i := range fs {
		fs[i] = luagenimpl.Queue(b, ss[0], []string{"s:b" + strconv.Itoa(i)}, nil, luagenimpl.DecodeInt64)
	}
	if err := b.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	for i, f := range fs {
		if n, err := f.Get(); err != nil || n != 1 {
			t.Fatalf("batch call %d: %d, %v", i, n, err)
		}
	}
	loads, fcalls, _ := fnStats(t, []*redistest.Server{d.Master})
	if loads != 3 || fcalls < 103 {
		t.Errorf("FUNCTION LOAD %d times (want 3: first call, after each flush), FCALL %d times", loads, fcalls)
	}
	vs, err := r.Sync(ctx, lib)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) == 0 {
		t.Fatal("Sync saw no node")
	}
	for _, v := range vs {
		t.Logf("%s %s %s current=%v", v.Node, v.Role, v.Version, v.Current)
	}
}

// TestFunctionsACL: a user allowed FCALL but not FUNCTION LOAD still gets
// every call served where the library is missing (by EVAL of the script,
// which its ACL allows), and one allowed FUNCTION LOAD gets the library
// loaded and FCALL from then on.
func TestFunctionsACL(t *testing.T) {
	sa := redistest.NewStandalone(t)
	ctx := ctxT(t)
	for _, u := range []struct{ name, perms string }{
		{"noload", "+fcall +fcall_ro +evalsha +eval +function|stats -function|load"},
		{"load", "+fcall +fcall_ro +evalsha +eval +function|stats +function|load"},
	} {
		args := append([]string{"ACL", "SETUSER", u.name, "on", ">pw", "~*", "-@all", "+incr", "+ping", "+hello", "+client"}, strings.Fields(u.perms)...)
		if _, err := sa.Do(args...); err != nil {
			t.Fatal(err)
		}
	}
	_, ss := newLibrary(t, libScript{name: "incr", body: "return redis.call('INCR', KEYS[1])"})
	for _, user := range []string{"noload", "load"} {
		t.Run(user, func(t *testing.T) {
			c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{sa.Addr()}, DisableCache: true, Username: user, Password: "pw"})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			functionFlush(t, []*redistest.Server{sa})
			resetStats(t, []*redistest.Server{sa})
			r := runtime.New(c)
			for i := range 3 {
				n, err := luagenimpl.Call(ctx, r, ss[0], []string{user}, nil, luagenimpl.DecodeInt64)
				if err != nil || n != int64(i+1) {
					t.Fatalf("call %d = %d, %v", i, n, err)
				}
			}
			b := r.NewBatch()
			f := luagenimpl.Queue(b, ss[0], []string{user}, nil, luagenimpl.DecodeInt64)
			if err := b.Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if n, err := f.Get(); err != nil || n != 4 {
				t.Fatalf("batch call = %d, %v", n, err)
			}
			loads, fcalls, evals := fnStats(t, []*redistest.Server{sa})
			t.Logf("%s: FUNCTION LOAD %d, FCALL %d, EVAL* %d", user, loads, fcalls, evals)
			if user == "load" && (loads != 1 || evals != 0) {
				t.Errorf("with function|load: %d loads, %d EVALs; want 1 load and FCALL only", loads, evals)
			}
			if user == "noload" && evals == 0 {
				t.Errorf("without function|load no call went by EVAL")
			}
		})
	}
}

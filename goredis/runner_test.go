package goredis_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/luagen/luagen/goredis"
	"github.com/luagen/luagen/goredis/luagenimpl"
	"github.com/luagen/luagen/internal/redistest"
)

// ledgerBody counts its calls in KEYS[1] and adds ARGV[1] to KEYS[2]: a
// call that ran twice shows in the count.
const ledgerBody = `redis.call('INCR', KEYS[1])
return redis.call('INCRBY', KEYS[2], ARGV[1])`

const readBody = `return redis.call('GET', KEYS[1])`

func ledgerKeys(p, id string) []string { return []string{"{" + p + id + "}n", "{" + p + id + "}sum"} }

// count reads an integer key ("" = 0).
func count(t *testing.T, c redis.UniversalClient, key string) int64 {
	t.Helper()
	v, err := c.Get(context.Background(), key).Int64()
	if err != nil && err != redis.Nil {
		t.Fatal(err)
	}
	return v
}

// TestSingleAndBatch: single calls and batches (script calls of both kinds
// and plain commands, over many slots) decode their replies, and in the
// steady state after Load only EVALSHA and EVALSHA_RO reach the servers:
// no EVAL, no SCRIPT LOAD.
func TestSingleAndBatch(t *testing.T) {
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			r := goredis.New(d.client)
			ledger := newScript("ledger", ledgerBody, false)
			read := newScript("read", readBody, true)
			if err := r.Load(ctx, ledger, read); err != nil {
				t.Fatal(err)
			}
			resetStats(t, d.nodes)
			p := prefix(t)
			v, err := luagenimpl.Call(ctx, r, ledger, ledgerKeys(p, "a"), []string{"5"}, luagenimpl.DecodeInt64)
			if err != nil || v != 5 {
				t.Fatalf("Call = %v, %v; want 5", v, err)
			}
			s, err := luagenimpl.Call(ctx, r, read, []string{ledgerKeys(p, "a")[1]}, nil, luagenimpl.DecodeString)
			if err != nil || s != "5" {
				t.Fatalf("read = %q, %v; want 5", s, err)
			}
			none, err := luagenimpl.Call(ctx, r, read, []string{p + "missing"}, nil, func(m any) (*string, error) {
				return luagenimpl.Nullable(m, luagenimpl.DecodeString)
			})
			if err != nil || none != nil {
				t.Fatalf("read of a missing key = %v, %v; want nil", none, err)
			}

			const n = 300
			b := r.NewBatch()
			futs := make([]goredis.Future[int64], n)
			reads := make([]goredis.Future[string], n)
			var plain []goredis.Future[any]
			for i := range n {
				keys := ledgerKeys(p, "b"+strconv.Itoa(i))
				futs[i] = luagenimpl.NewFuture(b, luagenimpl.Add(b, ledger, keys, []string{strconv.Itoa(i)}), luagenimpl.DecodeInt64)
				reads[i] = luagenimpl.NewFuture(b, luagenimpl.Add(b, read, keys[1:], nil), luagenimpl.DecodeString)
				if i%50 == 0 {
					plain = append(plain, b.Do("get", keys[1]))
				}
			}
			missing := b.Do("get", p+"nothing")
			if b.Len() != 2*n+len(plain)+1 {
				t.Fatalf("Len = %d", b.Len())
			}
			if err := b.Exec(ctx); err != nil {
				t.Fatal(err)
			}
			for i := range n {
				if v, err := futs[i].Get(); err != nil || v != int64(i) {
					t.Fatalf("call %d = %v, %v", i, v, err)
				}
				if v, err := reads[i].Get(); err != nil || v != strconv.Itoa(i) {
					t.Fatalf("read %d = %v, %v", i, v, err)
				}
			}
			for j, f := range plain {
				if v, err := f.Get(); err != nil || v != strconv.Itoa(j*50) {
					t.Fatalf("plain GET %d = %#v, %v", j, v, err)
				}
			}
			if v, err := missing.Get(); err != redis.Nil || v != nil {
				t.Fatalf("plain GET of a missing key = %#v, %v; want redis.Nil", v, err)
			}
			if err := b.Exec(ctx); err != goredis.ErrExecuted {
				t.Fatalf("second Exec = %v", err)
			}
			st := stats(t, d.nodes)
			if st["evalsha"] != n+1 || st["evalsha_ro"] != n+2 || st["eval"] != 0 || st["eval_ro"] != 0 || st["script|load"] != 0 {
				t.Fatalf("commandstats = %v; want %d EVALSHA, %d EVALSHA_RO and nothing else", st, n+1, n+2)
			}
		})
	}
}

// TestBatchReuse: Exec gives a batch's buffers back for the next batch to
// use; the futures of executed batches keep their own replies while later
// batches, from several goroutines, reuse those buffers.
func TestBatchReuse(t *testing.T) {
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			r := goredis.New(d.client)
			echo := newScript("echo", `return ARGV[1] .. ':' .. KEYS[1]`, true)
			if err := r.Load(ctx, echo); err != nil {
				t.Fatal(err)
			}
			p := prefix(t)
			type batch struct {
				futs  []goredis.Future[string]
				want  []string
				plain goredis.Future[any]
				tag   string
			}
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Go(func() {
					var kept []batch
					for j := range 40 {
						tag := strconv.Itoa(g) + "." + strconv.Itoa(j)
						b := r.NewBatch()
						kb := batch{tag: tag}
						for i := range 10 + j { // sizes change, so buffers grow while reused
							key := p + strconv.Itoa(i)
							kb.futs = append(kb.futs, luagenimpl.NewFuture(b, luagenimpl.Add(b, echo, []string{key}, []string{tag}), luagenimpl.DecodeString))
							kb.want = append(kb.want, tag+":"+key)
						}
						kb.plain = b.Do("echo", tag)
						if err := b.Exec(ctx); err != nil {
							t.Error(err)
							return
						}
						kept = append(kept, kb)
					}
					for _, kb := range kept {
						for i, f := range kb.futs {
							if v, err := f.Get(); err != nil || v != kb.want[i] {
								t.Errorf("batch %s call %d = %q, %v; want %q", kb.tag, i, v, err, kb.want[i])
							}
						}
						if v, err := kb.plain.Get(); err != nil || v != kb.tag {
							t.Errorf("batch %s ECHO = %#v, %v", kb.tag, v, err)
						}
					}
				})
			}
			wg.Wait()
		})
	}
}

// TestNoScript: after SCRIPT FLUSH on every node, a single call and a
// batch over all masters recover by EVALSHA behind one SCRIPT LOAD per
// script and node, and each call runs exactly once.
func TestNoScript(t *testing.T) {
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			r := goredis.New(d.client)
			ledger := newScript("ledger", ledgerBody, false)
			other := newScript("other", ledgerBody, false)
			if err := r.Load(ctx, ledger, other); err != nil {
				t.Fatal(err)
			}
			p := prefix(t)
			masters := d.nodes
			if d.cluster {
				masters = redistest.Cluster(t).Masters()
			}

			// A single call: one SCRIPT LOAD, on the node of its key.
			flushScripts(t, d.nodes)
			resetStats(t, d.nodes)
			keys := ledgerKeys(p, "single")
			if v, err := luagenimpl.Call(ctx, r, ledger, keys, []string{"7"}, luagenimpl.DecodeInt64); err != nil || v != 7 {
				t.Fatalf("Call = %v, %v", v, err)
			}
			st := stats(t, d.nodes)
			if st["script|load"] != 1 || st["eval"] != 0 || count(t, d.client, keys[0]) != 1 {
				t.Fatalf("after one NOSCRIPT: commandstats %v, ran %d times", st, count(t, d.client, keys[0]))
			}

			// A batch: one SCRIPT LOAD per script and master, every call once.
			flushScripts(t, d.nodes)
			resetStats(t, d.nodes)
			const n = 200
			b := r.NewBatch()
			futs := make([]goredis.Future[int64], 0, 2*n)
			for i := range n {
				for _, s := range []*goredis.Script{ledger, other} {
					futs = append(futs, luagenimpl.Queue(b, s, ledgerKeys(p, s.Name()+strconv.Itoa(i)), []string{"1"}, luagenimpl.DecodeInt64))
				}
			}
			if err := b.Exec(ctx); err != nil {
				t.Fatal(err)
			}
			for i, f := range futs {
				if v, err := f.Get(); err != nil || v != 1 {
					t.Fatalf("call %d = %v, %v", i, v, err)
				}
			}
			loads := perNode(t, masters, "script|load")
			for i, l := range loads {
				if l != 2 {
					t.Fatalf("SCRIPT LOADs per master = %v, want 2 each (node %d)", loads, i)
				}
			}
			st = stats(t, d.nodes)
			if st["eval"] != 0 || st["evalsha"] != 4*n {
				t.Fatalf("commandstats %v: want %d EVALSHA (each call twice: NOSCRIPT, then run) and no EVAL", st, 4*n)
			}
			for i := range n {
				for _, s := range []*goredis.Script{ledger, other} {
					if c := count(t, d.client, ledgerKeys(p, s.Name()+strconv.Itoa(i))[0]); c != 1 {
						t.Fatalf("call %s %d ran %d times", s.Name(), i, c)
					}
				}
			}

			// KeepOrder: loads ahead of the calls, no NOSCRIPT at all.
			flushScripts(t, d.nodes)
			resetStats(t, d.nodes)
			b = r.NewBatch().KeepOrder()
			for i := range n {
				luagenimpl.Queue(b, ledger, ledgerKeys(p, "ko"+strconv.Itoa(i)), []string{"1"}, luagenimpl.DecodeInt64)
			}
			if err := b.Exec(ctx); err != nil {
				t.Fatal(err)
			}
			st = stats(t, d.nodes)
			if st["evalsha"] != n || st["script|load"] != int64(len(masters)) {
				t.Fatalf("KeepOrder batch: commandstats %v; want %d EVALSHA and one SCRIPT LOAD per master", st, n)
			}
		})
	}
}

// TestLoadEverywhere: Load reaches replicas too (Redis does not pass
// SCRIPT LOAD on), and a read-only script's NOSCRIPT on a client that reads
// from replicas is recovered by loading everywhere.
func TestLoadEverywhere(t *testing.T) {
	cl := redistest.Cluster(t)
	ctx := ctxT(t)
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: cl.Addrs(), ReadOnly: true})
	t.Cleanup(func() { c.Close() })
	r := goredis.New(c)
	read := newScript("read", readBody, true)
	if err := r.Load(ctx, read); err != nil {
		t.Fatal(err)
	}
	for _, n := range cl.Nodes() {
		v, err := n.Do("SCRIPT", "EXISTS", read.SHA1())
		if err != nil {
			t.Fatal(err)
		}
		if a, ok := v.([]any); !ok || len(a) != 1 || a[0] != int64(1) {
			t.Fatalf("SCRIPT EXISTS on %s = %#v", n, v)
		}
	}
	flushScripts(t, cl.Nodes())
	resetStats(t, cl.Nodes())
	p := prefix(t)
	for i := range 20 {
		if _, err := luagenimpl.Call(ctx, r, read, []string{p + strconv.Itoa(i)}, nil, luagenimpl.DecodeNone); err != nil {
			t.Fatal(err)
		}
	}
	st := stats(t, cl.Nodes())
	if st["script|load"] != int64(len(cl.Nodes())) || st["eval_ro"] != 0 {
		t.Fatalf("commandstats %v: want one SCRIPT LOAD per node (%d), no EVAL_RO", st, len(cl.Nodes()))
	}
	if st["evalsha_ro"] != 21 {
		t.Fatalf("EVALSHA_RO = %d, want 21 (one NOSCRIPT, then 20 runs)", st["evalsha_ro"])
	}
}

// TestSlotErrors: keys in different slots, and key prefixes without a
// matching hash tag, fail typed before anything is sent.
func TestSlotErrors(t *testing.T) {
	cl := redistest.Cluster(t)
	ctx := ctxT(t)
	r := goredis.New(newClusterClient(t, cl.Addrs()...))
	ledger := newScript("ledger", ledgerBody, false)
	pre := newScript("pre", `return redis.call('INCR', ARGV[1] .. 'x')`, false, luagenimpl.Prefix{Param: "ns", Arg: true, Index: 0})
	resetStats(t, cl.Nodes())

	_, err := luagenimpl.Call(ctx, r, ledger, []string{"a", "b"}, []string{"1"}, luagenimpl.DecodeInt64)
	var cs *goredis.CrossSlotError
	if !errors.As(err, &cs) || cs.Script != "ledger" || len(cs.Keys) != 2 {
		t.Fatalf("Call = %v, want *CrossSlotError", err)
	}
	_, err = luagenimpl.Call(ctx, r, pre, nil, []string{"app:"}, luagenimpl.DecodeInt64)
	var pe *goredis.PrefixError
	if !errors.As(err, &pe) || pe.Param != "ns" || pe.Slot != -1 {
		t.Fatalf("Call = %v, want *PrefixError", err)
	}
	b := r.NewBatch()
	bad := luagenimpl.Queue(b, ledger, []string{"a", "b"}, []string{"1"}, luagenimpl.DecodeInt64)
	badPre := luagenimpl.Queue(b, pre, nil, []string{"app:"}, luagenimpl.DecodeInt64)
	if err := b.Exec(ctx); err == nil {
		t.Fatal("Exec = nil")
	} else if be := (*goredis.BatchError)(nil); !errors.As(err, &be) || be.Failed != 2 || be.Total != 2 {
		t.Fatalf("Exec = %v", err)
	}
	if err := bad.Err(); !errors.As(err, &cs) {
		t.Fatalf("future = %v", err)
	}
	if err := badPre.Err(); !errors.As(err, &pe) {
		t.Fatalf("future = %v", err)
	}
	st := stats(t, cl.Nodes())
	if st["evalsha"] != 0 || st["eval"] != 0 {
		t.Fatalf("commandstats %v: something was sent", st)
	}
	// A good prefix call without keys goes to the node of its tag.
	p := "{" + prefix(t) + "}:"
	if v, err := luagenimpl.Call(ctx, r, pre, nil, []string{p}, luagenimpl.DecodeInt64); err != nil || v != 1 {
		t.Fatalf("prefix call = %v, %v", v, err)
	}
}

// TestScriptError: error replies are *ScriptErrors naming file:LINE, with
// Code and Msg as the rueidis backend gives them (no leading "ERR ").
func TestScriptError(t *testing.T) {
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			r := goredis.New(d.client)
			bad := newScript("bad", "local x = 1\nerror('boom')", false)
			_, err := luagenimpl.Call(ctx, r, bad, []string{prefix(t)}, nil, luagenimpl.DecodeNone)
			var se *goredis.ScriptError
			if !errors.As(err, &se) {
				t.Fatalf("Call = %v, want *ScriptError", err)
			}
			// The source's line 1 is newScript's comment.
			if se.File != "scripts/bad.lua" || se.Line != 3 || se.Code != "ERR" || !strings.HasPrefix(se.Msg, "user_script:3: boom") {
				t.Fatalf("ScriptError = %+v", se)
			}
			var re redis.Error
			if !errors.As(err, &re) {
				t.Fatalf("Unwrap does not give redis.Error: %v", err)
			}
			if !strings.Contains(err.Error(), "scripts/bad.lua:3") {
				t.Fatalf("Error() = %q", err)
			}
			wt := newScript("wt", "return redis.call('LPUSH', KEYS[1], 'x')", false)
			key := prefix(t) + "str"
			d.client.Set(ctx, key, "v", 0)
			_, err = luagenimpl.Call(ctx, r, wt, []string{key}, nil, luagenimpl.DecodeNone)
			if !errors.As(err, &se) || se.Code != "WRONGTYPE" || !strings.HasPrefix(se.Msg, "WRONGTYPE Operation against a key") || se.Line != 2 {
				t.Fatalf("ScriptError = %+v", se)
			}
			rep := newScript("rep", "return redis.error_reply('ERR custom')", false)
			_, err = luagenimpl.Call(ctx, r, rep, []string{key}, nil, luagenimpl.DecodeNone)
			if !errors.As(err, &se) || se.Code != "ERR" || se.Msg != "custom" {
				t.Fatalf("ScriptError = %+v", se)
			}
			// A reply of the wrong shape: the script ran.
			_, err = luagenimpl.Call(ctx, r, newScript("shape", "return 'x'", false), []string{key}, nil, luagenimpl.DecodeInt64)
			var rpe *goredis.ReplyError
			if !errors.As(err, &rpe) || err.Error() != `luagen: script shape: unexpected reply: want integer, got string "x"` {
				t.Fatalf("Call = %v, want *ReplyError", err)
			}
		})
	}
}

// TestHooks: the Call hook sees each sent call with its outcome and
// recoveries, the Batch hook each Exec.
func TestHooks(t *testing.T) {
	sa := redistest.Standalone(t)
	ctx := ctxT(t)
	var mu sync.Mutex
	var calls []goredis.CallInfo
	var batches []goredis.BatchInfo
	r := goredis.New(newClient(t, sa.Addr()), goredis.WithHooks(goredis.Hooks{
		Call: func(_ context.Context, i goredis.CallInfo) {
			mu.Lock()
			calls = append(calls, i)
			mu.Unlock()
		},
		Batch: func(_ context.Context, i goredis.BatchInfo) {
			mu.Lock()
			batches = append(batches, i)
			mu.Unlock()
		},
	}))
	ledger := newScript("ledger", ledgerBody, false)
	bad := newScript("bad", "error('no')", false)
	p := prefix(t)
	// Not loaded: the first call meets NOSCRIPT.
	if _, err := luagenimpl.Call(ctx, r, ledger, ledgerKeys(p, "a"), []string{"1"}, luagenimpl.DecodeInt64); err != nil {
		t.Fatal(err)
	}
	luagenimpl.Call(ctx, r, bad, nil, nil, luagenimpl.DecodeNone)
	b := r.NewBatch()
	luagenimpl.Queue(b, ledger, ledgerKeys(p, "b"), []string{"1"}, luagenimpl.DecodeInt64)
	luagenimpl.Queue(b, bad, nil, nil, luagenimpl.DecodeNone)
	b.Do("ping")
	b.Exec(ctx)
	if len(calls) != 4 || len(batches) != 1 {
		t.Fatalf("%d calls, %d batches reported", len(calls), len(batches))
	}
	if c := calls[0]; c.Script != ledger || c.Batched || c.NoScript != 1 || c.Outcome != goredis.OutcomeOK || c.Duration <= 0 {
		t.Fatalf("call 0 = %+v", c)
	}
	if c := calls[1]; c.Outcome != goredis.OutcomeErrorReply || c.Code != "ERR" || c.NoScript != 1 {
		t.Fatalf("call 1 = %+v", c)
	}
	if c := calls[2]; !c.Batched || c.NoScript != 0 || c.Outcome != goredis.OutcomeOK {
		t.Fatalf("call 2 = %+v", c)
	}
	if c := calls[3]; !c.Batched || c.Outcome != goredis.OutcomeErrorReply {
		t.Fatalf("call 3 = %+v", c)
	}
	if bi := batches[0]; bi.Size != 3 || bi.Nodes != 1 || bi.Rounds != 1 || bi.Failed != 1 {
		t.Fatalf("batch = %+v", bi)
	}
}

// TestKeepOrder: after SCRIPT FLUSH, a KeepOrder batch runs script calls
// and plain commands on each key in queue order (no call meets NOSCRIPT
// and runs later).
func TestKeepOrder(t *testing.T) {
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			r := goredis.New(d.client)
			app := newScript("app", `return redis.call('APPEND', KEYS[1], ARGV[1])`, false)
			if err := r.Load(ctx, app); err != nil {
				t.Fatal(err)
			}
			flushScripts(t, d.nodes)
			p := prefix(t)
			b := r.NewBatch().KeepOrder()
			const n = 50
			gets := make([]goredis.Future[any], n)
			for i := range n {
				k := p + strconv.Itoa(i)
				b.Do("set", k, "a")
				luagenimpl.Queue(b, app, []string{k}, []string{"b"}, luagenimpl.DecodeInt64)
				b.Do("append", k, "c")
				luagenimpl.Queue(b, app, []string{k}, []string{"d"}, luagenimpl.DecodeInt64)
				gets[i] = b.Do("get", k)
			}
			if err := b.Exec(ctx); err != nil {
				t.Fatal(err)
			}
			for i, f := range gets {
				if v, err := f.Get(); err != nil || v != "abcd" {
					t.Fatalf("key %d = %#v, %v; want abcd", i, v, err)
				}
			}
		})
	}
}

package goredis_test

import (
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/luagen/luagen/goredis"
	"github.com/luagen/luagen/goredis/luagenimpl"
	"github.com/luagen/luagen/internal/redistest"
)

// TestLoadRefused: under an ACL without script|load, calls of a script the
// server lacks go by EVAL (single calls, batches, KeepOrder batches), each
// once, and the runner stops asking for SCRIPT LOAD.
func TestLoadRefused(t *testing.T) {
	sa := redistest.NewStandalone(t)
	if _, err := sa.Do("ACL", "SETUSER", "noload", "on", ">pw", "~*", "+@all", "-script|load"); err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	c := redis.NewClient(&redis.Options{Addr: sa.Addr(), Username: "noload", Password: "pw"})
	t.Cleanup(func() { c.Close() })
	r := goredis.New(c)
	ledger := newScript("ledger", ledgerBody, false)
	if err := r.Load(ctx, ledger); err == nil {
		t.Fatal("Load under the ACL = nil")
	}
	nodes := []*redistest.Server{sa}
	resetStats(t, nodes)
	p := prefix(t)
	for i := range 3 {
		if v, err := luagenimpl.Call(ctx, r, ledger, ledgerKeys(p, "s"), []string{"1"}, luagenimpl.DecodeInt64); err != nil || v != int64(i+1) {
			t.Fatalf("Call %d = %v, %v", i, v, err)
		}
		flushScripts(t, nodes) // EVAL cached it
	}
	for _, keep := range []bool{false, true} {
		b := r.NewBatch()
		if keep {
			b.KeepOrder()
		}
		fs := make([]goredis.Future[int64], 10)
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
		}
		flushScripts(t, nodes)
	}
	st := stats(t, nodes)
	if st["script|load"] != 0 || st["eval"] == 0 {
		t.Fatalf("commandstats %v: want EVAL and no SCRIPT LOAD accepted", st)
	}
	for i := range 10 {
		for _, keep := range []bool{false, true} {
			if n := count(t, c, ledgerKeys(p, strconv.FormatBool(keep)+strconv.Itoa(i))[0]); n != 1 {
				t.Fatalf("call ran %d times", n)
			}
		}
	}
}

// TestRing: a Ring's shards are loaded one by one and recovered by loading
// every shard.
func TestRing(t *testing.T) {
	a, b := redistest.NewStandalone(t), redistest.NewStandalone(t)
	ctx := ctxT(t)
	ring := redis.NewRing(&redis.RingOptions{Addrs: map[string]string{"a": a.Addr(), "b": b.Addr()}})
	t.Cleanup(func() { ring.Close() })
	r := goredis.New(ring)
	ledger := newScript("ledger", ledgerBody, false)
	if err := r.Load(ctx, ledger); err != nil {
		t.Fatal(err)
	}
	nodes := []*redistest.Server{a, b}
	flushScripts(t, nodes)
	resetStats(t, nodes)
	p := prefix(t)
	if v, err := luagenimpl.Call(ctx, r, ledger, ledgerKeys(p, "x"), []string{"1"}, luagenimpl.DecodeInt64); err != nil || v != 1 {
		t.Fatalf("Call = %v, %v", v, err)
	}
	flushScripts(t, nodes)
	for _, keep := range []bool{false, true} {
		bt := r.NewBatch()
		if keep {
			bt.KeepOrder()
		}
		fs := make([]goredis.Future[int64], 50)
		for i := range fs {
			fs[i] = luagenimpl.Queue(bt, ledger, ledgerKeys(p, strconv.FormatBool(keep)+strconv.Itoa(i)), []string{"1"}, luagenimpl.DecodeInt64)
		}
		if err := bt.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		for i, f := range fs {
			if v, err := f.Get(); err != nil || v != 1 {
				t.Fatalf("call %d = %v, %v", i, v, err)
			}
		}
		flushScripts(t, nodes)
	}
	if st := stats(t, nodes); st["eval"] != 0 || st["script|load"] != 6 {
		t.Fatalf("commandstats %v: want 6 SCRIPT LOADs (two shards, three times) and no EVAL", st)
	}
}

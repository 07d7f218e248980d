package goredis_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/luagen/luagen/goredis"
	"github.com/luagen/luagen/goredis/luagenimpl"
	"github.com/luagen/luagen/internal/redistest"
)

// TestSentinel: the failover clients (redis.NewFailoverClient, and
// redis.NewFailoverClusterClient reading from the replica) run calls and
// batches, Load reaches the replica, and after a failover to a replica
// whose script cache was flushed, calls recover from NOSCRIPT and run once.
func TestSentinel(t *testing.T) {
	d := redistest.NewSentinel(t)
	ctx := ctxT(t)
	fc := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: redistest.SentinelSet, SentinelAddrs: d.Addrs()})
	t.Cleanup(func() { fc.Close() })
	fcc := redis.NewFailoverClusterClient(&redis.FailoverOptions{MasterName: redistest.SentinelSet, SentinelAddrs: d.Addrs(), ReplicaOnly: true})
	t.Cleanup(func() { fcc.Close() })
	r := goredis.New(fc)
	rc := goredis.New(fcc)
	ledger := newScript("ledger", ledgerBody, false)
	read := newScript("read", readBody, true)
	if err := rc.Load(ctx, ledger, read); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*redistest.Server{d.Master, d.Replica} {
		v, err := n.Do("SCRIPT", "EXISTS", ledger.SHA1(), read.SHA1())
		if a, ok := v.([]any); err != nil || !ok || a[0] != int64(1) || a[1] != int64(1) {
			t.Fatalf("SCRIPT EXISTS on %s = %#v, %v", n, v, err)
		}
	}
	p := prefix(t)
	run := func(r *goredis.Runner, id string) {
		t.Helper()
		keys := ledgerKeys(p, id)
		if v, err := luagenimpl.Call(ctx, r, ledger, keys, []string{"2"}, luagenimpl.DecodeInt64); err != nil || v != 2 {
			t.Fatalf("Call = %v, %v", v, err)
		}
		b := r.NewBatch()
		fs := make([]goredis.Future[int64], 20)
		for i := range fs {
			fs[i] = luagenimpl.Queue(b, ledger, ledgerKeys(p, id+strconv.Itoa(i)), []string{"1"}, luagenimpl.DecodeInt64)
		}
		if err := b.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		for i, f := range fs {
			if v, err := f.Get(); err != nil || v != 1 {
				t.Fatalf("call %d = %v, %v", i, v, err)
			}
		}
	}
	run(r, "a")
	run(rc, "b")
	// Read-only calls on the replica (ReplicaOnly) after its cache was
	// flushed: recovered by loading everywhere.
	if _, err := d.Replica.Do("SCRIPT", "FLUSH"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if v, _ := d.Replica.Do("GET", ledgerKeys(p, "a")[1]); v != nil { // replicated
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the replica never got the write")
		}
	}
	if s, err := luagenimpl.Call(ctx, rc, read, []string{ledgerKeys(p, "a")[1]}, nil, luagenimpl.DecodeString); err != nil || s != "2" {
		t.Fatalf("read on the replica = %q, %v", s, err)
	}

	// A failover to the replica, whose cache was flushed.
	if _, err := d.Replica.Do("SCRIPT", "FLUSH"); err != nil {
		t.Fatal(err)
	}
	if err := d.Failover(60 * time.Second); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		_, err := luagenimpl.Call(ctx, r, ledger, ledgerKeys(p, "probe"), []string{"0"}, luagenimpl.DecodeInt64)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no call succeeded after the failover: %v", err)
		}
	}
	run(r, "c")
	for _, id := range []string{"a", "b", "c"} {
		if n := count(t, fc, ledgerKeys(p, id)[0]); n != 1 {
			t.Fatalf("call %s ran %d times", id, n)
		}
		for i := range 20 {
			if n := count(t, fc, ledgerKeys(p, id+strconv.Itoa(i))[0]); n != 1 {
				t.Fatalf("call %s%d ran %d times", id, i, n)
			}
		}
	}
}

package goredis_test

import (
	"context"
	"errors"
	"net"
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
	if err := d.Failover(30 * time.Second); err != nil {
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

// slowBody writes, then runs for ARGV[1] milliseconds: longer than the
// client's read timeout.
const slowBody = `redis.call('INCR', KEYS[1])
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local start = now()
while now() - start < tonumber(ARGV[1]) do end
return 1`

// TestNeverTwice: a write script whose reply never comes (a read timeout,
// a connection killed mid-call) ran, or may have: go-redis, with its
// retries at their default (MaxRetries 3), would send it again; the runner
// marks its commands NoRetry, so it runs once. The same call through
// go-redis's own EvalSha runs twice or more, which shows the test can see
// a double run (on a cluster client).
func TestNeverTwice(t *testing.T) {
	sa := redistest.NewStandalone(t)
	cl := redistest.Cluster(t)
	ctx := ctxT(t)
	slow := newScript("slow", slowBody, false)
	for _, tc := range []struct {
		name   string
		client redis.UniversalClient
	}{
		{"standalone", redis.NewClient(&redis.Options{Addr: sa.Addr(), ReadTimeout: 100 * time.Millisecond})},
		{"cluster", redis.NewClusterClient(&redis.ClusterOptions{Addrs: cl.Addrs(), ReadTimeout: 100 * time.Millisecond})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer tc.client.Close()
			r := goredis.New(tc.client)
			if err := r.Load(ctx, slow); err != nil {
				t.Fatal(err)
			}
			p := prefix(t)
			key := "{" + p + "}n"
			wait := func() { time.Sleep(1200 * time.Millisecond) } // let every sent call finish

			// Single call, read timeout.
			_, err := luagenimpl.Call(ctx, r, slow, []string{key + "1"}, []string{"250"}, luagenimpl.DecodeInt64)
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Fatalf("Call = %v, want a timeout", err)
			}
			// Batch, read timeout.
			b := r.NewBatch()
			f := luagenimpl.Queue(b, slow, []string{key + "2"}, []string{"250"}, luagenimpl.DecodeInt64)
			if err := b.Exec(ctx); err == nil || f.Err() == nil {
				t.Fatalf("Exec = %v, future %v; want a timeout", err, f.Err())
			}
			// Single call, connection killed while the script runs (after
			// the calls above ended on the server).
			wait()
			killed := make(chan struct{})
			go func() {
				defer close(killed)
				time.Sleep(30 * time.Millisecond)
				for _, n := range nodesOf(tc.name, sa, cl) {
					n.Do("CLIENT", "KILL", "TYPE", "normal")
				}
			}()
			_, err = luagenimpl.Call(ctx, r, slow, []string{key + "3"}, []string{"80"}, luagenimpl.DecodeInt64)
			<-killed
			if err == nil {
				t.Log("the reply came before the kill")
			}
			wait()
			for _, k := range []string{"1", "2", "3"} {
				if n := count(t, tc.client, key+k); n != 1 {
					t.Fatalf("call %s ran %d times, want once", k, n)
				}
			}
			// The control: go-redis's own EvalSha is sent again after the
			// timeout by the cluster client (the standalone client did not
			// resend it in this test; its retries are checked above anyway).
			tc.client.EvalSha(ctx, slow.SHA1(), []string{key + "c"}, "250")
			wait()
			if n := count(t, tc.client, key+"c"); n < 2 && tc.name == "cluster" {
				t.Fatalf("control: go-redis's EvalSha ran %d times; the test cannot see a double run", n)
			}
		})
	}
}

func nodesOf(name string, sa *redistest.Server, cl *redistest.RedisCluster) []*redistest.Server {
	if name == "standalone" {
		return []*redistest.Server{sa}
	}
	return cl.Masters()
}

var _ = context.Background

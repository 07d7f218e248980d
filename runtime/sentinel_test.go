package runtime_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
	"github.com/redis/rueidis"
)

// TestSentinel runs the runtime on a rueidis Sentinel client (a master, a
// replica and a sentinel): single calls, batches, a read-only script, NOSCRIPT
// recovery after SCRIPT FLUSH, and a failover under load, after which every
// call that succeeded is in Redis exactly once.
func TestSentinel(t *testing.T) {
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
	if client.Mode() != rueidis.ClientModeSentinel {
		t.Fatalf("client mode %v, want sentinel", client.Mode())
	}
	ctx := context.Background()
	r := runtime.New(client)
	incr := newScript("incr", "return redis.call('INCR', KEYS[1])", false)
	get := newScript("get", "return redis.call('GET', KEYS[1])", true)
	p := prefix(t)

	t.Run("calls", func(t *testing.T) {
		for i := range 3 {
			if i == 1 {
				flushScripts(t, []*redistest.Server{d.Master, d.Replica})
			}
			n, err := luagenimpl.Call(ctx, r, incr, []string{p + "n"}, nil, luagenimpl.DecodeInt64)
			if err != nil || n != int64(i+1) {
				t.Fatalf("call %d: %d, %v", i, n, err)
			}
		}
	})

	t.Run("batch", func(t *testing.T) {
		for round := range 2 {
			flushScripts(t, []*redistest.Server{d.Master, d.Replica})
			b := r.NewBatch()
			incrs := make([]runtime.Future[int64], 100)
			for i := range incrs {
				incrs[i] = luagenimpl.Queue(b, incr, []string{p + "b" + strconv.Itoa(i)}, nil, luagenimpl.DecodeInt64)
			}
			read := luagenimpl.Queue(b, get, []string{p + "b0"}, nil, luagenimpl.DecodeInt64)
			if err := b.Exec(ctx); err != nil {
				t.Fatal(err)
			}
			for i, f := range incrs {
				if n, err := f.Get(); err != nil || n != int64(round+1) {
					t.Fatalf("round %d call %d: %d, %v", round, i, n, err)
				}
			}
			if n, err := read.Get(); err != nil || n != int64(round+1) {
				t.Fatalf("round %d read: %d, %v", round, n, err)
			}
		}
	})

	t.Run("failover", func(t *testing.T) {
		// Writers make single calls and 20-call batches on keys of their
		// own, each key written once, while the sentinel fails over.
		var (
			stop    atomic.Bool
			mu      sync.Mutex
			ok      []string // keys whose call succeeded
			failed  int
			lastErr error
			wg      sync.WaitGroup
		)
		record := func(key string, err error) {
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok = append(ok, key)
				return
			}
			failed++
			lastErr = err
			// READONLY (the old master became a replica) and NOREPLICAS
			// (min-replicas-to-write) mean the call had no effect: the
			// runtime retries them until the client follows the sentinel.
			var se *runtime.ScriptError
			if errors.As(err, &se) {
				t.Errorf("%s: %v", key, err)
			}
		}
		for w := range 4 {
			wg.Go(func() {
				for i := 0; !stop.Load(); i++ {
					ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
					base := p + "f" + strconv.Itoa(w) + ":" + strconv.Itoa(i)
					if i%2 == 0 {
						_, err := luagenimpl.Call(ctx, r, incr, []string{base}, nil, luagenimpl.DecodeInt64)
						record(base, err)
					} else {
						b := r.NewBatch()
						futs := make([]runtime.Future[int64], 20)
						for j := range futs {
							futs[j] = luagenimpl.Queue(b, incr, []string{base + ":" + strconv.Itoa(j)}, nil, luagenimpl.DecodeInt64)
						}
						b.Exec(ctx)
						for j, f := range futs {
							record(base+":"+strconv.Itoa(j), f.Err())
						}
					}
					cancel()
				}
			})
		}
		time.Sleep(300 * time.Millisecond)
		failoverAt := time.Now()
		if err := d.Failover(60 * time.Second); err != nil {
			stop.Store(true)
			wg.Wait()
			t.Fatal(err)
		}
		// Keep writing until calls have gone to the new master for a while.
		time.Sleep(time.Second)
		stop.Store(true)
		wg.Wait()
		t.Logf("failover took %v; %d calls succeeded, %d failed (last: %v)", time.Since(failoverAt).Round(time.Millisecond), len(ok), failed, lastErr)

		// Every key was written by at most one call: a value above 1 is a
		// call applied twice. A successful call whose key is missing was
		// acknowledged by the old master after the sentinel promoted the
		// replica, and lost when it resynced as a replica: Redis's own
		// asynchronous replication (min-replicas-to-write narrows the window
		// to about a second), not something a client can prevent.
		b := r.NewBatch()
		vals := make([]runtime.Future[*int64], len(ok))
		for i, k := range ok {
			vals[i] = luagenimpl.Queue(b, get, []string{k}, nil, func(m rueidis.RedisMessage) (*int64, error) {
				return luagenimpl.Nullable(m, luagenimpl.DecodeInt64)
			})
		}
		if err := b.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		lost := 0
		for i, f := range vals {
			v, err := f.Get()
			switch {
			case err != nil:
				t.Fatalf("GET %s: %v", ok[i], err)
			case v == nil:
				lost++
			case *v != 1:
				t.Errorf("%s = %d: a call was applied %d times", ok[i], *v, *v)
			}
		}
		t.Logf("%d acknowledged writes lost with the old master", lost)
		if len(ok) == lost {
			t.Fatal("no call succeeded")
		}
		// Calls after the failover must succeed: the runtime follows the
		// sentinel to the new master.
		if n, err := luagenimpl.Call(ctx, r, incr, []string{p + "after"}, nil, luagenimpl.DecodeInt64); err != nil || n != 1 {
			t.Fatalf("call after failover: %d, %v", n, err)
		}
	})
}

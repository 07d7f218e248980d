package runtime_test

import (
	"context"
	"os"
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

// killStormFor is how long the kill storm runs; LUAGEN_KILLSTORM (a Go
// duration) makes it longer for a soak outside CI.
func killStormFor(t *testing.T) time.Duration {
	if v := os.Getenv("LUAGEN_KILLSTORM"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("LUAGEN_KILLSTORM=%q: %v", v, err)
		}
		return d
	}
	return 30 * time.Second
}

// TestKillStorm runs batches and single calls while every connection of the
// application's client is killed every 20 ms (CLIENT KILL USER, the client
// logging in as its own ACL user), on a standalone server and on a Sentinel
// deployment. Sentinel's own links are spared: killing them makes Sentinel
// fail over under load, and a failover loses writes the old master
// acknowledged (Redis's asynchronous replication; see the conformance
// Sentinel test), which is not what this test is about. A dropped connection fails the calls in flight
// with a transport error while rueidis's writer may still read the batch's
// commands: the runtime must never reuse or clear what DoMulti saw then (it
// crashed the process inside rueidis once). Every call must end with a reply
// or an error, and every key is written at most once.
func TestKillStorm(t *testing.T) {
	if testing.Short() {
		t.Skip("a 30 s soak")
	}
	t.Run("standalone", func(t *testing.T) {
		t.Parallel()
		sa := redistest.NewStandalone(t)
		addStormUser(t, sa)
		killStorm(t, func() rueidis.Client {
			return newStormClient(t, rueidis.ClientOption{InitAddress: []string{sa.Addr()}})
		}, sa)
	})
	t.Run("sentinel", func(t *testing.T) {
		t.Parallel()
		d := redistest.NewSentinel(t)
		addStormUser(t, d.Master, d.Replica)
		killStorm(t, func() rueidis.Client {
			return newStormClient(t, rueidis.ClientOption{
				InitAddress: d.Addrs(),
				Sentinel:    rueidis.SentinelOption{MasterSet: redistest.SentinelSet},
			})
		}, d.Master)
	})
}

// stormUser is the ACL user the storm's client logs in as, so that CLIENT
// KILL USER reaches its connections only.
const stormUser, stormPass = "killstorm", "killstorm-pw"

func addStormUser(t *testing.T, nodes ...*redistest.Server) {
	for _, n := range nodes {
		if _, err := n.Do("ACL", "SETUSER", stormUser, "on", ">"+stormPass, "~*", "&*", "+@all"); err != nil {
			t.Fatalf("ACL SETUSER on %s: %v", n.Addr(), err)
		}
	}
}

func newStormClient(t *testing.T, opt rueidis.ClientOption) rueidis.Client {
	opt.Username, opt.Password, opt.DisableCache = stormUser, stormPass, true
	c, err := rueidis.NewClient(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// killStorm runs the storm with a client from newClient, then checks Redis
// with another one (the storm's last kill may hit the first's connection).
func killStorm(t *testing.T, newClient func() rueidis.Client, master *redistest.Server) {
	client := newClient()
	r := runtime.New(client)
	incr := newScript("incr", "return redis.call('INCR', KEYS[1])", false)
	get := newScript("get", "return redis.call('GET', KEYS[1])", true)
	p := prefix(t)
	ctx := context.Background()

	var (
		stop            atomic.Bool
		okCalls, failed atomic.Int64
		mu              sync.Mutex
		ok              []string
		wg              sync.WaitGroup
	)
	record := func(key string, err error) {
		if err != nil {
			failed.Add(1)
			return
		}
		okCalls.Add(1)
		mu.Lock()
		ok = append(ok, key)
		mu.Unlock()
	}
	for w := range 4 {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				base := p + strconv.Itoa(w) + ":" + strconv.Itoa(i)
				if i%4 == 3 {
					_, err := luagenimpl.Call(ctx, r, incr, []string{base}, nil, luagenimpl.DecodeInt64)
					record(base, err)
					continue
				}
				b := r.NewBatch()
				futs := make([]runtime.Future[int64], 50)
				for j := range futs {
					futs[j] = luagenimpl.Queue(b, incr, []string{base + ":" + strconv.Itoa(j)}, nil, luagenimpl.DecodeInt64)
				}
				// A plain command and a flush now and then, so batches also
				// take the NOSCRIPT recovery rounds under the storm.
				b.Do(client.B().Ping().Build())
				if i%16 == 5 {
					master.Do("SCRIPT", "FLUSH")
				}
				b.Exec(ctx)
				for j, f := range futs {
					record(base+":"+strconv.Itoa(j), f.Err())
				}
			}
		})
	}
	kills := 0
	deadline := time.Now().Add(killStormFor(t))
	for time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		if _, err := master.Do("CLIENT", "KILL", "USER", stormUser); err == nil {
			kills++
		}
	}
	stop.Store(true)
	wg.Wait()
	t.Logf("%d kills; %d calls succeeded, %d failed", kills, okCalls.Load(), failed.Load())
	if okCalls.Load() == 0 {
		t.Fatal("no call succeeded")
	}

	// A call acknowledged ran once; one that failed on a dropped connection
	// may have run (never retried), so its key may be 1 or missing, never 2.
	checker := runtime.New(newClient())
	missing, doubled := 0, 0
	check := func(keys []string) {
		b := checker.NewBatch()
		vals := make([]runtime.Future[*int64], len(keys))
		for i, k := range keys {
			vals[i] = luagenimpl.Queue(b, get, []string{k}, nil, func(m rueidis.RedisMessage) (*int64, error) {
				return luagenimpl.Nullable(m, luagenimpl.DecodeInt64)
			})
		}
		if err := b.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		for i, f := range vals {
			v, err := f.Get()
			switch {
			case err != nil:
				t.Fatalf("GET %s: %v", keys[i], err)
			case v == nil:
				if missing++; missing <= 5 {
					t.Errorf("%s: acknowledged but missing", keys[i])
				}
			case *v != 1:
				if doubled++; doubled <= 5 {
					t.Errorf("%s = %d: a call was applied %d times", keys[i], *v, *v)
				}
			}
		}
	}
	for len(ok) > 0 {
		n := min(len(ok), 1000)
		check(ok[:n])
		ok = ok[n:]
	}
	if missing+doubled > 0 {
		t.Errorf("%d acknowledged calls missing, %d applied more than once", missing, doubled)
	}
}

package runtime_test

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
	"github.com/redis/rueidis"
)

// pushBody appends ARGV[1] to the list KEYS[1]: the list shows the order in
// which calls ran.
const pushBody = "return redis.call('RPUSH', KEYS[1], ARGV[1])"

// orderedRun queues A1 B1 A2 B2 on one key (A and B push their name and
// number), runs the batch (KeepOrder when ordered) right after SCRIPT FLUSH
// and a load of B alone, and returns the list: the order the calls ran in.
func orderedRun(t *testing.T, r *runtime.Runner, nodes []*redistest.Server, a, b *runtime.Script, key string, ordered bool, loadB func()) string {
	t.Helper()
	ctx := ctxT(t)
	flushScripts(t, nodes)
	loadB()
	batch := r.NewBatch()
	if ordered {
		batch.KeepOrder()
	}
	for _, c := range []struct {
		s   *runtime.Script
		arg string
	}{{a, "A1"}, {b, "B1"}, {a, "A2"}, {b, "B2"}} {
		luagenimpl.Queue(batch, c.s, []string{key}, []string{c.arg}, luagenimpl.DecodeInt64)
	}
	if err := batch.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	check := r.NewBatch()
	list := check.Do(r.Client().B().Lrange().Key(key).Start(0).Stop(-1).Build())
	check.Do(r.Client().B().Del().Key(key).Build())
	if err := check.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	m, _ := list.Get()
	got, err := m.AsStrSlice()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(got, " ")
}

// TestKeepOrder: two scripts on one key, the cache flushed before the batch
// and only B loaded again. By default A's calls meet NOSCRIPT and run after
// B's (the swap ioredis refuses NOSCRIPT retries in pipelines for); with
// KeepOrder the batch loads A ahead of its calls in the same pipeline and
// the list shows the queue order — on a cluster also before the runner has
// read the cluster's map (a load per slot) and after (a load per node). The
// same with plain commands between a script's calls, everything flushed.
func TestKeepOrder(t *testing.T) {
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			rec := &recorder{}
			r := runtime.New(d.client, runtime.WithHooks(rec.hooks()))
			a := newScript("a", pushBody, false)
			b := newScript("b", pushBody+" -- b", false)
			key := "{" + prefix(t) + "}list"
			loadB := func() {
				if err := r.Load(ctxT(t), b); err != nil {
					t.Fatal(err)
				}
			}
			if got := orderedRun(t, r, d.nodes, a, b, key, false, loadB); got != "B1 B2 A1 A2" {
				t.Errorf("default batch ran %q; want the NOSCRIPT calls last, B1 B2 A1 A2 (else this test shows nothing)", got)
			}
			if got := orderedRun(t, r, d.nodes, a, b, key, true, loadB); got != "A1 B1 A2 B2" {
				t.Errorf("KeepOrder batch ran %q, want A1 B1 A2 B2", got)
			}
			// Everything flushed, the script's calls between plain pushes.
			mixed := func(ordered bool) string {
				t.Helper()
				ctx := ctxT(t)
				flushScripts(t, d.nodes)
				batch := r.NewBatch()
				if ordered {
					batch.KeepOrder()
				}
				for _, v := range []string{"A1", "P1", "A2", "P2"} {
					if v[0] == 'A' {
						luagenimpl.Queue(batch, a, []string{key}, []string{v}, luagenimpl.DecodeInt64)
					} else {
						batch.Do(r.Client().B().Rpush().Key(key).Element(v).Build())
					}
				}
				if err := batch.Exec(ctx); err != nil {
					t.Fatal(err)
				}
				m, err := r.Client().Do(ctx, r.Client().B().Lrange().Key(key).Start(0).Stop(-1).Build()).AsStrSlice()
				if err != nil {
					t.Fatal(err)
				}
				if err := r.Client().Do(ctx, r.Client().B().Del().Key(key).Build()).Error(); err != nil {
					t.Fatal(err)
				}
				return strings.Join(m, " ")
			}
			if got := mixed(false); got != "P1 P2 A1 A2" {
				t.Errorf("default batch with plain commands ran %q, want P1 P2 A1 A2", got)
			}
			if got := mixed(true); got != "A1 P1 A2 P2" {
				t.Errorf("KeepOrder batch with plain commands ran %q, want A1 P1 A2 P2", got)
			}
			waitTopology(t, r, rec)
			if got := mixed(true); got != "A1 P1 A2 P2" {
				t.Errorf("KeepOrder batch with plain commands, topology known: ran %q, want A1 P1 A2 P2", got)
			}
			for i := range 3 {
				if got := orderedRun(t, r, d.nodes, a, b, key, true, loadB); got != "A1 B1 A2 B2" {
					t.Errorf("KeepOrder batch %d, topology known: ran %q, want A1 B1 A2 B2", i, got)
				}
			}
			rec.take()
		})
	}
}

// TestKeepOrderWithoutScriptLoad: for a user without SCRIPT LOAD, a
// KeepOrder batch sends the first call of each script on each node by EVAL
// (once the runner knows SCRIPT LOAD is refused), which caches the script
// for the calls after it: the order holds.
func TestKeepOrderWithoutScriptLoad(t *testing.T) {
	sa := redistest.NewStandalone(t)
	if _, err := sa.Do("ACL", "SETUSER", "pusher", "on", ">pw", "resetkeys", "~app:*", "-@all",
		"+evalsha", "+eval", "+rpush", "+lrange", "+del", "+ping"); err != nil {
		t.Fatal(err)
	}
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{sa.Addr()}, DisableCache: true, Username: "pusher", Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	r := runtime.New(client)
	a, _ := newScriptWithSource("a", pushBody)
	b, bSrc := newScriptWithSource("b", pushBody)
	key := "app:{" + prefix(t) + "}list"
	loadB := func() {
		if _, err := sa.Do("SCRIPT", "LOAD", bSrc); err != nil {
			t.Fatal(err)
		}
	}
	// The first batch learns that SCRIPT LOAD is refused; its NOSCRIPT
	// calls are recovered by EVAL, after the rest.
	orderedRun(t, r, []*redistest.Server{sa}, a, b, key, true, loadB)
	for i := range 2 {
		if got := orderedRun(t, r, []*redistest.Server{sa}, a, b, key, true, loadB); got != "A1 B1 A2 B2" {
			t.Errorf("batch %d: KeepOrder without SCRIPT LOAD ran %q, want A1 B1 A2 B2", i, got)
		}
	}
}

// newScriptWithSource is newScript that also returns the script's source.
func newScriptWithSource(name, body string) (*runtime.Script, string) {
	src := fmt.Sprintf("-- %s %d %d\n%s", name, time.Now().UnixNano(), uniq.Add(1), body)
	sum := sha1.Sum([]byte(src))
	return luagenimpl.NewScript(name, "scripts/"+name+".lua", src, hex.EncodeToString(sum[:]), false), src
}

package runtime_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
)

// statDeltas returns a func that reports, per node, how much each of the
// given commands' INFO commandstats calls grew since statDeltas was called.
func statDeltas(t *testing.T, nodes []*redistest.Server, cmds ...string) func() []map[string]int64 {
	t.Helper()
	read := func() []map[string]int64 {
		t.Helper()
		out := make([]map[string]int64, len(nodes))
		for i, n := range nodes {
			st, err := redistest.CommandStats(n)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = map[string]int64{}
			for _, c := range cmds {
				out[i][c] = st[c]
			}
		}
		return out
	}
	before := read()
	return func() []map[string]int64 {
		after := read()
		for i := range after {
			for c := range after[i] {
				after[i][c] -= before[i][c]
			}
		}
		return after
	}
}

// recorder keeps what the hooks saw.
type recorder struct {
	mu      sync.Mutex
	calls   []runtime.CallInfo
	batches []runtime.BatchInfo
}

func (rec *recorder) hooks() runtime.Hooks {
	return runtime.Hooks{
		Call: func(_ context.Context, ci runtime.CallInfo) {
			rec.mu.Lock()
			rec.calls = append(rec.calls, ci)
			rec.mu.Unlock()
		},
		Batch: func(_ context.Context, bi runtime.BatchInfo) {
			rec.mu.Lock()
			rec.batches = append(rec.batches, bi)
			rec.mu.Unlock()
		},
	}
}

// take returns what was recorded since the last take.
func (rec *recorder) take() ([]runtime.CallInfo, []runtime.BatchInfo) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	c, b := rec.calls, rec.batches
	rec.calls, rec.batches = nil, nil
	return c, b
}

// waitTopology runs one-call batches until the runner knows which master
// serves which slot (its Batch hook then reports the batch's nodes): only
// then do its NOSCRIPT recoveries pipeline one SCRIPT LOAD per node.
func waitTopology(t *testing.T, r *runtime.Runner, rec *recorder) {
	t.Helper()
	ctx := ctxT(t)
	echo := newScript("echo", "return ARGV[1]", false)
	if err := r.Load(ctx, echo); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		b := r.NewBatch()
		luagenimpl.Queue(b, echo, []string{"k"}, []string{"x"}, luagenimpl.DecodeString)
		if err := b.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		_, bs := rec.take()
		if len(bs) == 1 && bs[0].Nodes > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the runner never read the cluster's topology")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestNoScriptSingleCallLoads: a single call answered NOSCRIPT is sent again
// behind a SCRIPT LOAD to the same node, so the script ends up loaded (not
// cached by EVAL, which Redis 8 and Valkey 8 evict first) on the node that
// answered, and on no other; no EVAL is sent.
func TestNoScriptSingleCallLoads(t *testing.T) {
	sa := redistest.Standalone(t)
	cl := redistest.Cluster(t)
	for _, d := range []struct {
		name   string
		addrs  []string
		nodes  []*redistest.Server
		master func(key string) *redistest.Server
	}{
		{"standalone", []string{sa.Addr()}, []*redistest.Server{sa}, func(string) *redistest.Server { return sa }},
		{"cluster", cl.Addrs(), cl.Nodes(), cl.MasterFor},
	} {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			rec := &recorder{}
			r := runtime.New(newClient(t, d.addrs...), runtime.WithHooks(rec.hooks()))
			ledger, sha := newScriptSHA("ledger", ledgerBody, false)
			p := prefix(t)
			keys := []string{"{" + p + "}n", "{" + p + "}sum"}
			deltas := statDeltas(t, d.nodes, "script|load", "eval", "evalsha")
			if n, err := luagenimpl.Call(ctx, r, ledger, keys, []string{"1"}, luagenimpl.DecodeInt64); err != nil || n != 1 {
				t.Fatalf("call = %d, %v; want 1", n, err)
			}
			owner := d.master(keys[0])
			for i, st := range deltas() {
				want := map[string]int64{"script|load": 0, "eval": 0, "evalsha": 0}
				if d.nodes[i] == owner {
					want = map[string]int64{"script|load": 1, "eval": 0, "evalsha": 2}
				}
				if fmt.Sprint(st) != fmt.Sprint(want) {
					t.Errorf("node %s: %v, want %v", d.nodes[i].Addr(), st, want)
				}
			}
			if v, err := owner.Do("SCRIPT", "EXISTS", sha); err != nil || fmt.Sprint(v) != "[1]" {
				t.Errorf("SCRIPT EXISTS on %s = %v, %v; want [1]", owner.Addr(), v, err)
			}
			calls, _ := rec.take()
			if len(calls) != 1 || calls[0].NoScript != 1 || calls[0].Outcome != runtime.OutcomeOK || calls[0].Batched {
				t.Errorf("hook saw %+v; want one single call, ok, after one NOSCRIPT", calls)
			}
		})
	}
}

// TestNoScriptBatchOneRoundTrip: after SCRIPT FLUSH, a batch's NOSCRIPT
// calls are sent again in one more round trip, each master getting one
// SCRIPT LOAD per script ahead of them in that pipeline; replicas get none
// (no separate round of loads on every node) and nothing goes by EVAL.
func TestNoScriptBatchOneRoundTrip(t *testing.T) {
	sa := redistest.Standalone(t)
	cl := redistest.Cluster(t)
	for _, d := range []struct {
		name  string
		addrs []string
		nodes []*redistest.Server
	}{
		{"standalone", []string{sa.Addr()}, []*redistest.Server{sa}},
		{"cluster", cl.Addrs(), cl.Nodes()},
	} {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			rec := &recorder{}
			r := runtime.New(newClient(t, d.addrs...), runtime.WithHooks(rec.hooks()))
			waitTopology(t, r, rec)
			a := newScript("a", ledgerBody, false)
			b2 := newScript("b", ledgerBody+" -- b", false)
			p := prefix(t)
			for round := 1; round <= 3; round++ {
				flushScripts(t, d.nodes)
				deltas := statDeltas(t, d.nodes, "script|load", "eval")
				b := r.NewBatch()
				const size = 300
				futs := make([]runtime.Future[int64], 0, 2*size)
				for i := 0; i < size; i++ {
					id := p + strconv.Itoa(i)
					for _, s := range []*runtime.Script{a, b2} {
						futs = append(futs, luagenimpl.Queue(b, s, []string{"{" + id + "}" + s.Name(), "{" + id + "}sum"}, []string{"1"}, luagenimpl.DecodeInt64))
					}
				}
				if err := b.Exec(ctx); err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				for i, f := range futs {
					if n, err := f.Get(); err != nil || n != int64(round) {
						t.Fatalf("round %d call %d = %d, %v; want %d", round, i, n, err, round)
					}
				}
				for i, st := range deltas() {
					want := int64(0)
					if role, err := d.nodes[i].Role(); err != nil {
						t.Fatal(err)
					} else if role == "master" {
						want = 2
					}
					if st["script|load"] != want || st["eval"] != 0 {
						t.Errorf("round %d: node %s got %d SCRIPT LOAD and %d EVAL; want %d and 0", round, d.nodes[i].Addr(), st["script|load"], st["eval"], want)
					}
				}
				calls, batches := rec.take()
				if len(batches) != 1 || batches[0].Rounds != 2 || batches[0].Failed != 0 {
					t.Errorf("round %d: batch %+v; want 2 round trips, none failed", round, batches)
				}
				if len(calls) != 2*size {
					t.Fatalf("round %d: %d calls reported, want %d", round, len(calls), 2*size)
				}
				for _, ci := range calls {
					if ci.NoScript != 1 || ci.Outcome != runtime.OutcomeOK || !ci.Batched {
						t.Fatalf("round %d: call %+v; want batched, ok, after one NOSCRIPT", round, ci)
					}
				}
			}
		})
	}
}

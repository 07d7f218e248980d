package runtime_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
)

// TestHooks: the Call hook sees every sent script call with its script,
// whether it was batched, its duration and outcome (ok, the error reply's
// code, a transport or context error) and its NOSCRIPT recoveries; the
// Batch hook sees each Exec's size, nodes, round trips and failures.
// Calls that were never sent and plain commands are not reported.
func TestHooks(t *testing.T) {
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			rec := &recorder{}
			r := runtime.New(d.client, runtime.WithHooks(rec.hooks()))
			ledger := newScript("ledger", ledgerBody, false)
			boom := newScript("boom", "return redis.call('INCR', KEYS[1], 'extra')", false)
			p := prefix(t)
			keys := []string{"{" + p + "}n", "{" + p + "}sum"}

			// A single call after NOSCRIPT, then one in the steady state.
			for want := 1; want >= 0; want-- {
				if _, err := luagenimpl.Call(ctx, r, ledger, keys, []string{"1"}, luagenimpl.DecodeInt64); err != nil {
					t.Fatal(err)
				}
				calls, batches := rec.take()
				if len(calls) != 1 || len(batches) != 0 {
					t.Fatalf("hooks saw %+v, %+v; want one call", calls, batches)
				}
				ci := calls[0]
				if ci.Script.Name() != "ledger" || ci.Script.SHA1() == "" || ci.Batched || ci.Outcome != runtime.OutcomeOK ||
					ci.Err != nil || ci.Code != "" || ci.NoScript != want || ci.Retries != 0 || ci.Duration <= 0 || ci.Start.IsZero() {
					t.Errorf("single call: %+v; want ledger, single, ok, %d NOSCRIPT", ci, want)
				}
			}
			// An error reply.
			if _, err := luagenimpl.Call(ctx, r, boom, []string{p + "boom"}, nil, luagenimpl.DecodeInt64); err == nil {
				t.Fatal("boom succeeded")
			}
			calls, _ := rec.take()
			var se *runtime.ScriptError
			if len(calls) != 1 || calls[0].Outcome != runtime.OutcomeErrorReply || calls[0].Code != "ERR" || !errors.As(calls[0].Err, &se) {
				t.Errorf("error reply: %+v; want ErrorReply, code ERR, a *ScriptError", calls)
			}
			// A context that ended: no reply.
			cancelled, cancel := context.WithCancel(ctx)
			cancel()
			luagenimpl.Call(cancelled, r, ledger, keys, []string{"1"}, luagenimpl.DecodeInt64)
			calls, _ = rec.take()
			if len(calls) != 1 || calls[0].Outcome != runtime.OutcomeTransport || !errors.Is(calls[0].Err, context.Canceled) {
				t.Errorf("cancelled call: %+v; want OutcomeTransport with context.Canceled", calls)
			}
			if runtime.OutcomeTransport.String() != "transport_error" {
				t.Errorf("OutcomeTransport.String() = %q", runtime.OutcomeTransport)
			}

			// A batch: two script calls, an error reply, a plain command and
			// a call that is never sent; scripts loaded everywhere, so one
			// round trip.
			waitTopology(t, r, rec)
			if err := r.Load(ctx, ledger, boom); err != nil {
				t.Fatal(err)
			}
			b := r.NewBatch()
			luagenimpl.Queue(b, ledger, keys, []string{"1"}, luagenimpl.DecodeInt64)
			luagenimpl.Queue(b, ledger, []string{"{" + p + "x}n", "{" + p + "x}sum"}, []string{"1"}, luagenimpl.DecodeInt64)
			luagenimpl.Queue(b, boom, []string{p + "boom"}, nil, luagenimpl.DecodeInt64)
			b.Do(d.client.B().Incr().Key(p + "plain").Build())
			luagenimpl.Queue(b, ledger, []string{"a", "b"}, []string{"1"}, luagenimpl.DecodeInt64) // cross-slot on a cluster
			start := time.Now()
			b.Exec(ctx)
			took := time.Since(start)
			calls, batches := rec.take()
			wantCalls := 4
			if d.name == "cluster" {
				wantCalls = 3
			}
			if len(calls) != wantCalls {
				t.Fatalf("batch: %d calls reported, want %d: %+v", len(calls), wantCalls, calls)
			}
			for i, ci := range calls {
				if !ci.Batched || ci.Duration <= 0 || ci.Duration > took {
					t.Errorf("batch call %d: %+v; want batched, a duration within Exec's %v", i, ci, took)
				}
			}
			if calls[2].Script.Name() != "boom" || calls[2].Code != "ERR" || calls[0].Outcome != runtime.OutcomeOK {
				t.Errorf("batch calls %+v; want ledger ok, ledger ok, boom ERR", calls)
			}
			minNodes, maxNodes, wantFailed := 1, 1, 1
			if d.name == "cluster" {
				minNodes, maxNodes, wantFailed = 1, 3, 2
			}
			if len(batches) != 1 {
				t.Fatalf("batches %+v; want one", batches)
			}
			bi := batches[0]
			if bi.Size != 5 || bi.Rounds != 1 || bi.Failed != wantFailed || bi.Duration <= 0 || bi.Duration > took {
				t.Errorf("batch info %+v; want size 5, 1 round trip, %d failed", bi, wantFailed)
			}
			if bi.Nodes < minNodes || bi.Nodes > maxNodes {
				t.Errorf("batch info %+v: want %d to %d nodes", bi, minNodes, maxNodes)
			}
		})
	}
}

// TestHooksAllocateNothing: a batch allocates no more with hooks that do
// nothing than without hooks: the runtime builds nothing on the heap for
// them (and without hooks it only checks that they are nil).
func TestHooksAllocateNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts under -race are noise (sync.Pool drops items at random); run without -race, or see BenchmarkBatch/luagen-hooks")
	}
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			s := newScript("ledger", ledgerBody, false)
			keys := make([][]string, 100)
			for i := range keys {
				id := prefix(t)
				keys[i] = []string{"{" + id + "}n", "{" + id + "}sum"}
			}
			// run returns a func making one batch of 100 calls on r,
			// warmed up: pools, connections, and on a cluster the runner's
			// map of it, read once in the background.
			run := func(r *runtime.Runner) func() {
				if err := r.Load(ctx, s); err != nil {
					t.Fatal(err)
				}
				f := func() {
					b := r.NewBatch()
					for _, k := range keys {
						luagenimpl.Add(b, s, k, []string{"1"})
					}
					if err := b.Exec(ctx); err != nil {
						t.Fatal(err)
					}
				}
				f()
				time.Sleep(200 * time.Millisecond)
				f()
				return f
			}
			runPlain := run(runtime.New(d.client))
			runHooked := run(runtime.New(d.client, runtime.WithHooks(runtime.Hooks{
				Call:  func(context.Context, runtime.CallInfo) {},
				Batch: func(context.Context, runtime.BatchInfo) {},
			})))
			// Allocations are counted process-wide, rueidis's background
			// goroutines included: the least of several measurements,
			// interleaved, is the batch's own.
			plain, hooked := math.Inf(1), math.Inf(1)
			for range 5 {
				plain = min(plain, testing.AllocsPerRun(20, runPlain))
				hooked = min(hooked, testing.AllocsPerRun(20, runHooked))
			}
			t.Logf("allocations per batch of 100: %.1f without hooks, %.1f with hooks that do nothing", plain, hooked)
			if hooked > plain+1 {
				t.Errorf("hooks cost %.1f allocations per batch of 100 (%.1f vs %.1f)", hooked-plain, hooked, plain)
			}
		})
	}
}

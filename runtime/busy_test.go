package runtime_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
	"github.com/redis/rueidis"
)

// spinBody runs for ARGV[1] milliseconds without writing (so SCRIPT KILL
// can stop it): while it runs past busy-reply-threshold, Redis answers
// every other script call BUSY without running it.
const spinBody = `local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local start = now()
while now() - start < tonumber(ARGV[1]) do end
return 1`

// busyServer is a private server whose busy-reply-threshold is 50ms, and a
// func that runs the spin script for the given time from another client,
// returning once the server answers BUSY and a func that waits for the
// spin's end.
func busyServer(t *testing.T) (*redistest.Server, func(ms int) (wait func())) {
	t.Helper()
	sa := redistest.NewStandalone(t)
	if _, err := sa.Do("CONFIG", "SET", "busy-reply-threshold", "50"); err != nil {
		t.Fatal(err)
	}
	spinner := newClient(t, sa.Addr())
	probe := newClient(t, sa.Addr())
	spin := newScript("spin", spinBody, false)
	spinFor := func(ms int) func() {
		done := make(chan error, 1)
		go func() {
			_, err := luagenimpl.Call(context.Background(), runtime.New(spinner), spin, nil, []string{strconv.Itoa(ms)}, luagenimpl.DecodeInt64)
			done <- err
		}()
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			err := probe.Do(context.Background(), probe.B().Ping().Build()).Error()
			if re, ok := rueidis.IsRedisErr(err); ok && len(re.Error()) > 4 && re.Error()[:5] == "BUSY " {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the server never answered BUSY (last PING: %v)", err)
			}
		}
		return func() {
			if err := <-done; err != nil {
				t.Logf("spin script: %v", err)
			}
		}
	}
	return sa, spinFor
}

// TestBusy: a call answered BUSY (another script running past
// busy-reply-threshold) did not run; it is retried within the same budget
// as TRYAGAIN and runs once the other script ends — single calls and
// batches alike. When the other script outlasts the budget, the call fails
// with a *ScriptError whose Code is BUSY, and it never ran.
func TestBusy(t *testing.T) {
	sa, spinFor := busyServer(t)
	ctx := ctxT(t)
	rec := &recorder{}
	r := runtime.New(newClient(t, sa.Addr()), runtime.WithHooks(rec.hooks()))
	ledger := newScript("ledger", ledgerBody, false)
	if err := r.Load(ctx, ledger); err != nil {
		t.Fatal(err)
	}
	p := prefix(t)
	keys := func(id string) []string { return []string{"{" + p + id + "}n", "{" + p + id + "}sum"} }

	t.Run("waited out", func(t *testing.T) {
		wait := spinFor(600)
		start := time.Now()
		n, err := luagenimpl.Call(ctx, r, ledger, keys("single"), []string{"1"}, luagenimpl.DecodeInt64)
		if err != nil || n != 1 {
			t.Fatalf("single call during a busy script = %d, %v; want 1", n, err)
		}
		t.Logf("single call waited %v", time.Since(start).Round(time.Millisecond))
		wait()
		calls, _ := rec.take()
		if len(calls) != 1 || calls[0].Retries == 0 || calls[0].Outcome != runtime.OutcomeOK {
			t.Errorf("hook saw %+v; want one call, retried, ok", calls)
		}

		wait = spinFor(600)
		b := r.NewBatch()
		f1 := luagenimpl.Queue(b, ledger, keys("b1"), []string{"1"}, luagenimpl.DecodeInt64)
		f2 := luagenimpl.Queue(b, ledger, keys("b2"), []string{"1"}, luagenimpl.DecodeInt64)
		if err := b.Exec(ctx); err != nil {
			t.Fatalf("batch during a busy script: %v", err)
		}
		for i, f := range []runtime.Future[int64]{f1, f2} {
			if n, err := f.Get(); err != nil || n != 1 {
				t.Errorf("batch call %d = %d, %v; want 1", i, n, err)
			}
		}
		wait()
		calls, batches := rec.take()
		if len(calls) != 2 || calls[0].Retries == 0 || len(batches) != 1 || batches[0].Rounds < 2 {
			t.Errorf("hooks saw %+v and %+v; want two retried calls in a batch of several rounds", calls, batches)
		}
	})

	t.Run("outlasts the budget", func(t *testing.T) {
		killer := newClient(t, sa.Addr()) // connected before the server is busy
		wait := spinFor(3500)             // the retry budget is about 2.1s
		// A batch at the same time as the single call.
		b := r.NewBatch()
		f := luagenimpl.Queue(b, ledger, keys("late-batch"), []string{"1"}, luagenimpl.DecodeInt64)
		execErr := make(chan error, 1)
		go func() { execErr <- b.Exec(ctx) }()
		start := time.Now()
		_, err := luagenimpl.Call(ctx, r, ledger, keys("late"), []string{"1"}, luagenimpl.DecodeInt64)
		took := time.Since(start)
		var se *runtime.ScriptError
		if !errors.As(err, &se) || se.Code != "BUSY" {
			t.Errorf("call past the budget = %v; want a *ScriptError with code BUSY", err)
		}
		t.Logf("gave up after %v: %v", took.Round(time.Millisecond), err)
		if err := <-execErr; err == nil {
			t.Error("batch past the budget: Exec = nil")
		}
		if _, err := f.Get(); !errors.As(err, &se) || se.Code != "BUSY" {
			t.Errorf("batch call past the budget = %v; want a *ScriptError with code BUSY", err)
		}
		// SCRIPT KILL is one of the commands a busy server still takes.
		if err := killer.Do(ctx, killer.B().ScriptKill().Build()).Error(); err != nil {
			t.Logf("SCRIPT KILL: %v", err)
		}
		wait()
		// Neither call ran.
		for _, id := range []string{"late", "late-batch"} {
			v, err := sa.Do("EXISTS", keys(id)[0])
			if err != nil || v != int64(0) {
				t.Errorf("a call answered BUSY ran: EXISTS %s = %v, %v", keys(id)[0], v, err)
			}
		}
	})
}

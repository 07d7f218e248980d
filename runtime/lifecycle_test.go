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
)

const incrBody = "return redis.call('INCR', KEYS[1])"

// TestRetriedReplies makes a standalone server answer NOREPLICAS
// (min-replicas-to-write without replicas) and READONLY (it is a replica)
// for a while: single calls and batches wait it out and each runs once;
// a server that never heals gives the reply's *ScriptError within the
// retry budget or the context.
func TestRetriedReplies(t *testing.T) {
	s := redistest.NewStandalone(t)
	client := newClient(t, s.Addr())
	r := runtime.New(client)
	incr := newScript("incr", incrBody, false)
	p := prefix(t)
	do := func(args ...string) {
		t.Helper()
		if _, err := s.Do(args...); err != nil {
			t.Fatal(err)
		}
	}
	// healAfter undoes the fault after d, as a failover completing would.
	healAfter := func(d time.Duration, args ...string) {
		time.AfterFunc(d, func() { s.Do(args...) })
	}
	check := func(key string) {
		t.Helper()
		if v, err := s.Do("GET", key); err != nil || v != "1" {
			t.Fatalf("%s = %v, %v; want 1: the call must run exactly once", key, v, err)
		}
	}
	faults := []struct {
		name        string
		break_, fix []string
	}{
		{"NOREPLICAS", []string{"CONFIG", "SET", "min-replicas-to-write", "1"}, []string{"CONFIG", "SET", "min-replicas-to-write", "0"}},
		{"READONLY", []string{"REPLICAOF", "127.0.0.1", strconv.Itoa(redistest.Standalone(t).Port())}, []string{"REPLICAOF", "NO", "ONE"}},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			ctx := ctxT(t)
			do(f.break_...)
			healAfter(200*time.Millisecond, f.fix...)
			start := time.Now()
			if n, err := luagenimpl.Call(ctx, r, incr, []string{p + f.name + ":call"}, nil, luagenimpl.DecodeInt64); err != nil || n != 1 {
				t.Fatalf("call = %d, %v; want 1", n, err)
			}
			if took := time.Since(start); took < 150*time.Millisecond {
				t.Fatalf("call took %v: it never met the fault", took)
			}
			check(p + f.name + ":call")

			do(f.break_...)
			healAfter(200*time.Millisecond, f.fix...)
			b := r.NewBatch()
			futs := make([]runtime.Future[int64], 20)
			for i := range futs {
				futs[i] = luagenimpl.Queue(b, incr, []string{p + f.name + ":b" + strconv.Itoa(i)}, nil, luagenimpl.DecodeInt64)
			}
			if err := b.Exec(ctx); err != nil {
				t.Fatal(err)
			}
			for i, fu := range futs {
				if n, err := fu.Get(); err != nil || n != 1 {
					t.Fatalf("batch call %d = %d, %v", i, n, err)
				}
				check(p + f.name + ":b" + strconv.Itoa(i))
			}
		})
	}

	t.Run("never healed", func(t *testing.T) {
		do(faults[0].break_...)
		defer do(faults[0].fix...)
		var se *runtime.ScriptError
		start := time.Now()
		_, err := luagenimpl.Call(ctxT(t), r, incr, []string{p + "never"}, nil, luagenimpl.DecodeInt64)
		if !errors.As(err, &se) || se.Code != "NOREPLICAS" {
			t.Fatalf("err = %v; want the NOREPLICAS *ScriptError once retries run out", err)
		}
		if took := time.Since(start); took < time.Second || took > 10*time.Second {
			t.Fatalf("gave up after %v; the retry budget is about 2 s", took)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start = time.Now()
		b := r.NewBatch()
		f := luagenimpl.Queue(b, incr, []string{p + "never"}, nil, luagenimpl.DecodeInt64)
		b.Exec(ctx)
		if _, err := f.Get(); !errors.As(err, &se) {
			t.Fatalf("batch err = %v; want the *ScriptError when ctx ends", err)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("batch gave up after %v; ctx allowed 300ms", took)
		}
		if v, err := s.Do("GET", p+"never"); err != nil || v != nil {
			t.Fatalf("never = %v, %v; want no write", v, err)
		}
	})
}

// TestBatchLifecycle covers a batch's states: futures before Exec, calls
// that fail before sending next to good ones, use after Exec, and futures
// that stay valid while later batches reuse the pooled buffers.
func TestBatchLifecycle(t *testing.T) {
	s := redistest.Standalone(t)
	client := newClient(t, s.Addr())
	ctx := ctxT(t)
	p := prefix(t)
	r := runtime.New(client, runtime.WithSlotCheck(true))
	incr := newScript("incr", incrBody, false)
	echo := newScript("echo", "return ARGV[1]", true)

	if _, err := (runtime.Future[int64]{}).Get(); !errors.Is(err, runtime.ErrNotExecuted) {
		t.Fatalf("zero Future: %v", err)
	}
	b := r.NewBatch()
	good := luagenimpl.Queue(b, incr, []string{p + "good"}, nil, luagenimpl.DecodeInt64)
	bad := luagenimpl.QueueErr[int64](b, incr, luagenimpl.ArgError(incr, "n", errors.New("not encodable")))
	cross := luagenimpl.Queue(b, incr, []string{"{a}" + p, "{b}" + p}, nil, luagenimpl.DecodeInt64)
	if _, err := good.Get(); !errors.Is(err, runtime.ErrNotExecuted) {
		t.Fatalf("before Exec: %v", err)
	}
	var be *runtime.BatchError
	if err := b.Exec(ctx); !errors.As(err, &be) || be.Failed != 2 || be.Total != 3 {
		t.Fatalf("Exec = %v; want 2 of 3 failed", err)
	}
	var ae *runtime.ArgumentError
	if !errors.As(be.First, &ae) {
		t.Fatalf("First = %v; want the ArgumentError (call 1)", be.First)
	}
	if n, err := good.Get(); err != nil || n != 1 {
		t.Fatalf("good = %d, %v", n, err)
	}
	if _, err := bad.Get(); !errors.As(err, &ae) || ae.Arg != "n" {
		t.Fatalf("bad = %v", err)
	}
	var ce *runtime.CrossSlotError
	if _, err := cross.Get(); !errors.As(err, &ce) {
		t.Fatalf("cross = %v", err)
	}
	late := luagenimpl.Queue(b, incr, []string{p + "late"}, nil, luagenimpl.DecodeInt64)
	plain := b.Do(client.B().Incr().Key(p + "late").Build())
	for _, err := range []error{late.Err(), plain.Err(), b.Exec(ctx)} {
		if !errors.Is(err, runtime.ErrExecuted) {
			t.Fatalf("after Exec: %v; want ErrExecuted", err)
		}
	}
	if v, _ := s.Do("GET", p+"late"); v != nil {
		t.Fatalf("a call queued after Exec ran: late = %v", v)
	}

	// Futures of an earlier batch keep their values while later batches,
	// built from the same pooled buffers, run other calls.
	first := r.NewBatch()
	var firsts []runtime.Future[string]
	for i := range 50 {
		firsts = append(firsts, luagenimpl.Queue(first, echo, nil, []string{"first" + strconv.Itoa(i)}, luagenimpl.DecodeString))
	}
	if err := first.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	for round := range 5 {
		later := r.NewBatch()
		for i := range 60 {
			luagenimpl.Queue(later, echo, nil, []string{"later" + strconv.Itoa(round*100+i)}, luagenimpl.DecodeString)
		}
		if err := later.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for i, f := range firsts {
		if v, err := f.Get(); err != nil || v != "first"+strconv.Itoa(i) {
			t.Fatalf("first batch call %d = %q, %v after later batches", i, v, err)
		}
	}

	// Read-only scripts go by EVALSHA_RO.
	before, err := redistest.CommandStats(s)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := luagenimpl.Call(ctx, r, echo, nil, []string{"ro"}, luagenimpl.DecodeString); err != nil || v != "ro" {
		t.Fatalf("echo = %q, %v", v, err)
	}
	after, err := redistest.CommandStats(s)
	if err != nil {
		t.Fatal(err)
	}
	if after["evalsha_ro"] <= before["evalsha_ro"] {
		t.Fatalf("a read-only script was not sent by EVALSHA_RO: %v → %v", before, after)
	}
}

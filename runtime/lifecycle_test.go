package runtime_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
)

const incrBody = "return redis.call('INCR', KEYS[1])"

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

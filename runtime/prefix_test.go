package runtime_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
)

// prefixScript makes a script that builds keys from its key prefixes, like
// asynq's and BullMQ's: KEYS[1] .. ARGV[...] or ARGV[1] .. id.
func prefixScript(name, body string, prefixes ...luagenimpl.Option) *runtime.Script {
	s, _ := newScriptSHA(name, body, false, prefixes...)
	return s
}

// TestPrefixRouting runs calls whose only routing information is a key
// prefix (no KEYS) on the cluster, as single calls and in pipelines mixed
// with keyed calls of other slots: each must reach the node of its prefix's
// slot (Redis refuses a key of another node with "non local key"), and a
// keyed call's arg prefix must be in the slot of its keys.
func TestPrefixRouting(t *testing.T) {
	cl := redistest.Cluster(t)
	ctx := ctxT(t)
	r := runtime.New(newClient(t, cl.Addrs()...))
	p := prefix(t)
	// ARGV[1] is a prefix, ARGV[2] an id: the script writes prefix..id.
	onlyPrefix := prefixScript("only_prefix", "return redis.call('INCR', ARGV[1] .. ARGV[2])",
		luagenimpl.Prefix{Param: "queue", Arg: true, Index: 0})
	// KEYS[1] is a key, ARGV[1] a prefix in its slot, ARGV[2] an id.
	keyed := prefixScript("keyed", "redis.call('INCR', KEYS[1]); return redis.call('INCR', ARGV[1] .. ARGV[2])",
		luagenimpl.Prefix{Param: "tasks", Arg: true, Index: 0})
	// KEYS[1] is itself a prefix.
	keyPrefix := prefixScript("key_prefix", "return redis.call('INCR', KEYS[1] .. ARGV[1])",
		luagenimpl.Prefix{Param: "base", Index: 0})

	tag := func(i int) string { return p + "{q" + strconv.Itoa(i) + "}:" }
	for i := range 50 {
		n, err := luagenimpl.Call(ctx, r, onlyPrefix, nil, []string{tag(i), "single"}, luagenimpl.DecodeInt64)
		if err != nil || n != 1 {
			t.Fatalf("single prefix-only call %d: %d, %v", i, n, err)
		}
	}
	b := r.NewBatch()
	var futs []runtime.Future[int64]
	for i := range 300 {
		switch i % 3 {
		case 0:
			futs = append(futs, luagenimpl.Queue(b, onlyPrefix, nil, []string{tag(i), "batch"}, luagenimpl.DecodeInt64))
		case 1:
			futs = append(futs, luagenimpl.Queue(b, keyed, []string{tag(i) + "k"}, []string{tag(i), "batch"}, luagenimpl.DecodeInt64))
		default:
			futs = append(futs, luagenimpl.Queue(b, keyPrefix, []string{tag(i)}, []string{"batch"}, luagenimpl.DecodeInt64))
		}
	}
	if err := b.Exec(ctx); err != nil {
		t.Fatalf("Exec: %v", err)
	}
	for i, f := range futs {
		if n, err := f.Get(); err != nil || n != 1 {
			t.Fatalf("call %d: %d, %v", i, n, err)
		}
	}
	// After a flush, the NOSCRIPT recovery rebuilds the commands: they
	// must be routed the same way.
	cl.FlushAllScripts()
	b = r.NewBatch()
	futs = futs[:0]
	for i := range 100 {
		futs = append(futs, luagenimpl.Queue(b, onlyPrefix, nil, []string{tag(i), "batch"}, luagenimpl.DecodeInt64))
	}
	if err := b.Exec(ctx); err != nil {
		t.Fatalf("Exec after SCRIPT FLUSH: %v", err)
	}
	for i, f := range futs {
		if n, err := f.Get(); err != nil || n != 2 { // each key was written once before
			t.Fatalf("call %d after flush: %d, %v", i, n, err)
		}
	}
}

// TestPrefixErrors checks the run-time proof: a prefix without a complete,
// non-empty hash tag, or whose tag is in another slot than the call's keys
// (or than its first prefix), fails with a *PrefixError naming the script,
// the param and the slots, and nothing reaches Redis.
func TestPrefixErrors(t *testing.T) {
	cl := redistest.Cluster(t)
	ctx := ctxT(t)
	r := runtime.New(newClient(t, cl.Addrs()...))
	two := prefixScript("two_prefixes", "return 1",
		luagenimpl.Prefix{Param: "tasks", Arg: true, Index: 0},
		luagenimpl.Prefix{Param: "groups", Arg: true, Index: 1})
	keyed := prefixScript("keyed_prefix", "return 1",
		luagenimpl.Prefix{Param: "base", Index: 1})
	sent := func() int64 {
		st, err := cl.CommandStats()
		if err != nil {
			t.Fatal(err)
		}
		return st["evalsha"] + st["eval"]
	}
	before := sent()
	cases := []struct {
		s          *runtime.Script
		keys, args []string
		param      string
		slot, want int
		msg        string
	}{
		{two, nil, []string{"asynq:default:t:", "asynq:{default}:g:"}, "tasks", -1, -1, "no hash tag"},
		{two, nil, []string{"asynq:{}:t:", "x"}, "tasks", -1, -1, "no hash tag"},
		{two, nil, []string{"asynq:{default:t:", "x"}, "tasks", -1, -1, "no hash tag"},
		{two, nil, []string{"asynq:{a}:t:", "asynq:{b}:g:"}, "groups", int(luagenimpl.Slot("b")), int(luagenimpl.Slot("a")), "key prefix tasks is in slot"},
		{keyed, []string{"{a}k", "{b}:"}, nil, "base", int(luagenimpl.Slot("b")), int(luagenimpl.Slot("a")), `key "{a}k" is in slot`},
		{keyed, []string{"{a}k", "b:"}, nil, "base", -1, int(luagenimpl.Slot("a")), "no hash tag"},
	}
	for _, c := range cases {
		_, err := luagenimpl.Call(ctx, r, c.s, c.keys, c.args, luagenimpl.DecodeInt64)
		var pe *runtime.PrefixError
		if !errors.As(err, &pe) {
			t.Errorf("Call(%q, %q) = %v, want *PrefixError", c.keys, c.args, err)
			continue
		}
		if pe.Script != c.s.Name() || pe.Param != c.param || pe.Slot != c.slot || pe.Want != c.want {
			t.Errorf("Call(%q, %q): %+v, want param %s slot %d want %d", c.keys, c.args, pe, c.param, c.slot, c.want)
		}
		if msg := pe.Error(); !strings.Contains(msg, c.s.Name()) || !strings.Contains(msg, c.param) ||
			!strings.Contains(strings.ReplaceAll(msg, fmt.Sprintf("slot %d", c.slot), "slot"), strings.ReplaceAll(c.msg, "is in slot", "is in")) {
			t.Errorf("message %q does not name the script, the param, or %q", msg, c.msg)
		}
		// The same in a pipeline: the future fails, nothing is sent.
		b := r.NewBatch()
		f := luagenimpl.Queue(b, c.s, c.keys, c.args, luagenimpl.DecodeInt64)
		b.Exec(ctx)
		if err := f.Err(); !errors.As(err, &pe) {
			t.Errorf("queued (%q, %q) = %v, want *PrefixError", c.keys, c.args, err)
		}
	}
	if got := sent() - before; got != 0 {
		t.Fatalf("%d script commands reached Redis; calls with a bad prefix must send nothing", got)
	}
	// A good call still goes.
	if n, err := luagenimpl.Call(ctx, r, two, nil, []string{"asynq:{d}:t:", "asynq:{d}:g:"}, luagenimpl.DecodeInt64); err != nil || n != 1 {
		t.Fatalf("good call: %d, %v", n, err)
	}
	// A standalone server without the check takes anything.
	sa := redistest.Standalone(t)
	if _, err := luagenimpl.Call(ctx, runtime.New(newClient(t, sa.Addr())), two, nil, []string{"a", "b"}, luagenimpl.DecodeInt64); err != nil {
		t.Fatalf("standalone: %v", err)
	}
}

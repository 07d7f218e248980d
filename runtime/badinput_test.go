package runtime_test

// Bad input and bad conditions: empty and nil keys and args, cross-slot
// keys, a batch of a million calls, replies of every shape to every decoder,
// Redis down at start and coming back, and a context cancelled while a big
// batch is in flight. Each must give a value or a clear error, never a panic,
// a hang or a leaked goroutine.

import (
	"context"
	"errors"
	"fmt"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
	"github.com/redis/rueidis"
)

// TestEmptyKeysAndArgs runs scripts with nil and empty keys and args, and
// with empty-string keys and args, by Call and in batches (on a cluster
// zero-key calls and keyless plain commands are routed with the batch's
// keyed calls, or anywhere when the batch has none).
func TestEmptyKeysAndArgs(t *testing.T) {
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			r := runtime.New(d.client)
			show := newScript("show", "return #KEYS .. ':' .. #ARGV .. ':' .. table.concat(KEYS, ',') .. ':' .. table.concat(ARGV, ',')", false)
			showRO := newScript("show_ro", "return #KEYS .. ':' .. #ARGV", true)
			setget := newScript("setget", "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('GET', KEYS[1])", false)
			cases := []struct {
				keys, args []string
				want       string
			}{
				{nil, nil, "0:0::"},
				{[]string{}, []string{}, "0:0::"},
				{[]string{""}, nil, "1:0::"},
				{[]string{""}, []string{""}, "1:1::"},
				{nil, []string{"", "x"}, "0:2::,x"},
				{[]string{"", ""}, []string{"", ""}, "2:2:,:,"},
			}
			for i, c := range cases {
				if v, err := luagenimpl.Call(ctx, r, show, c.keys, c.args, luagenimpl.DecodeString); err != nil || v != c.want {
					t.Errorf("case %d: Call = %q, %v; want %q", i, v, err, c.want)
				}
			}
			unique := strconv.FormatInt(time.Now().UnixNano(), 10)
			if v, err := luagenimpl.Call(ctx, r, setget, []string{""}, []string{unique}, luagenimpl.DecodeString); err != nil || v != unique {
				t.Errorf("write to the empty key = %q, %v; want %q", v, err, unique)
			}

			// A batch of only zero-key calls, then one mixing them with keyed calls.
			for _, withKeyed := range []bool{false, true} {
				b := r.NewBatch()
				var futs []runtime.Future[string]
				var ros []runtime.Future[string]
				for _, c := range cases {
					if len(c.keys) == 0 || withKeyed {
						futs = append(futs, luagenimpl.Queue(b, show, c.keys, c.args, luagenimpl.DecodeString))
					}
					ros = append(ros, luagenimpl.Queue(b, showRO, nil, nil, luagenimpl.DecodeString))
				}
				if withKeyed {
					luagenimpl.Queue(b, setget, []string{prefix(t) + "k"}, []string{"v"}, luagenimpl.DecodeString)
				}
				if err := b.Exec(ctx); err != nil {
					t.Fatalf("batch (keyed calls too: %v): %v", withKeyed, err)
				}
				j := 0
				for _, c := range cases {
					if len(c.keys) == 0 || withKeyed {
						if v, err := futs[j].Get(); err != nil || v != c.want {
							t.Errorf("batch (keyed calls too: %v) call %d = %q, %v; want %q", withKeyed, j, v, err, c.want)
						}
						j++
					}
				}
				for i, f := range ros {
					if v, err := f.Get(); err != nil || v != "0:0" {
						t.Errorf("read-only zero-key call %d = %q, %v", i, v, err)
					}
				}
			}

			// A plain command without keys among keyed calls only, in
			// several slots.
			b := r.NewBatch()
			var sets []runtime.Future[string]
			for i := range 8 {
				sets = append(sets, luagenimpl.Queue(b, setget, []string{prefix(t) + "p" + strconv.Itoa(i)}, []string{"v"}, luagenimpl.DecodeString))
			}
			ping := b.Do(d.client.B().Ping().Build())
			if err := b.Exec(ctx); err != nil {
				t.Fatalf("batch with a keyless plain command: %v", err)
			}
			for i, f := range sets {
				if v, err := f.Get(); err != nil || v != "v" {
					t.Errorf("keyed call %d beside PING = %q, %v; want v", i, v, err)
				}
			}
			if m, err := ping.Get(); err != nil {
				t.Errorf("PING in a batch = %v", err)
			} else if s, _ := m.ToString(); s != "PONG" {
				t.Errorf("PING in a batch = %q, want PONG", s)
			}
		})
	}
}

// TestCrossSlotBadInput extends TestCrossSlotSendsNothing: a mismatch in the
// last of several keys, an empty hash tag (which does not count as a tag), a
// batch where every call is cross-slot (nothing is sent at all), and the
// check on a standalone server when asked for.
func TestCrossSlotBadInput(t *testing.T) {
	cl := redistest.Cluster(t)
	ctx := ctxT(t)
	r := runtime.New(newClient(t, cl.Addrs()...))
	s := newScript("three", "return #KEYS", false)
	sent := func() int64 {
		st, err := cl.CommandStats()
		if err != nil {
			t.Fatal(err)
		}
		return st["evalsha"] + st["eval"] + st["evalsha_ro"] + st["eval_ro"]
	}
	before := sent()
	var cs *runtime.CrossSlotError
	for _, keys := range [][]string{
		{"{u1}a", "{u1}b", "{u2}c"},
		{"{}a", "{}b"}, // "{}" is no hash tag: the whole keys are hashed
		{"x", "{x}", "y"},
	} {
		if _, err := luagenimpl.Call(ctx, r, s, keys, nil, luagenimpl.DecodeInt64); !errors.As(err, &cs) {
			t.Errorf("Call%q = %v, want *CrossSlotError", keys, err)
		} else if len(cs.Keys) != len(keys) || len(cs.Slots) != len(keys) {
			t.Errorf("CrossSlotError for %q = %+v", keys, cs)
		}
	}
	b := r.NewBatch()
	var futs []runtime.Future[int64]
	for i := range 100 {
		id := strconv.Itoa(i)
		futs = append(futs, luagenimpl.Queue(b, s, []string{"{a" + id + "}", "{b" + id + "}"}, nil, luagenimpl.DecodeInt64))
	}
	err := b.Exec(ctx)
	var be *runtime.BatchError
	if !errors.As(err, &be) || be.Failed != 100 || be.Total != 100 || !errors.As(be.First, &cs) {
		t.Fatalf("Exec of 100 cross-slot calls = %v, want a *BatchError with 100 of 100 failed", err)
	}
	for i, f := range futs {
		if err := f.Err(); !errors.As(err, &cs) {
			t.Fatalf("future %d = %v, want *CrossSlotError", i, err)
		}
	}
	if got := sent() - before; got != 0 {
		t.Fatalf("%d script commands reached Redis; cross-slot calls must send nothing", got)
	}

	// A standalone server does not care, unless the check is asked for.
	sa := redistest.Standalone(t)
	client := newClient(t, sa.Addr())
	if n, err := luagenimpl.Call(ctx, runtime.New(client), s, []string{"a", "b"}, nil, luagenimpl.DecodeInt64); err != nil || n != 2 {
		t.Errorf("standalone without slot check = %d, %v; want 2", n, err)
	}
	if _, err := luagenimpl.Call(ctx, runtime.New(client, runtime.WithSlotCheck(true)), s, []string{"a", "b"}, nil, luagenimpl.DecodeInt64); !errors.As(err, &cs) {
		t.Errorf("standalone with slot check = %v, want *CrossSlotError", err)
	}
}

// TestMillionCallBatch runs one batch of 1,000,000 calls: it must succeed,
// hold memory in proportion to the batch while it runs, give it all back
// once the batch is dropped, and leave no goroutine behind.
//
// rueidis bounds a whole pipeline's round trip by ClientOption.ConnWriteTimeout
// (10s by default): a batch that takes longer, as a million calls do on a
// slow or loaded machine, fails as a whole with "i/o timeout" although Redis
// ran part of it. Users of huge batches raise that timeout (as here) or split
// them.
func TestMillionCallBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("a million calls")
	}
	const n = 1_000_000
	srv := redistest.NewStandalone(t)
	leaks := leakCheck(t)
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}, DisableCache: true, ConnWriteTimeout: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	r := runtime.New(client)
	s := newScript("million", "return redis.call('INCR', KEYS[1])", false)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	base := heapAfterGC()
	keys := make([]string, 1)
	b := r.NewBatch()
	futs := make([]runtime.Future[int64], n)
	for i := range futs {
		keys[0] = "m" + strconv.Itoa(i%1000)
		futs[i] = luagenimpl.Queue(b, s, keys, nil, luagenimpl.DecodeInt64)
	}
	queued := heapAfterGC()

	// Sample the heap while the batch runs, for its peak.
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms goruntime.MemStats
		for {
			goruntime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	err = b.Exec(ctx)
	took := time.Since(start)
	close(stop)
	<-sampled
	if err != nil {
		t.Fatalf("Exec: %v", err)
	}
	executed := heapAfterGC()
	var sum int64
	for i, f := range futs {
		v, err := f.Get()
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		sum += v
	}
	// Each of the 1000 keys was incremented 1000 times: 1+2+...+1000 each.
	if want := int64(1000 * 1000 * 1001 / 2); sum != want {
		t.Fatalf("sum of results = %d, want %d", sum, want)
	}
	goruntime.KeepAlive(futs)
	futs, b = nil, nil
	after := heapAfterGC()
	perCall := func(h uint64) float64 { return (float64(h) - float64(base)) / n }
	t.Logf("1M calls in %v; heap per call: queued %.0f B, peak during Exec %.0f B, executed %.0f B, after the batch is dropped %.0f B",
		took.Round(time.Millisecond), perCall(queued), perCall(peak.Load()), perCall(executed), perCall(after))
	// Bounded by the batch: a few hundred bytes per call while it lives (its
	// keys and args, its command while in flight, its reply) and nothing
	// kept afterwards.
	if perCall(peak.Load()) > 2048 {
		t.Errorf("heap peaked at %.0f bytes per call, want under 2 KiB", perCall(peak.Load()))
	}
	if perCall(executed) > 1024 {
		t.Errorf("an executed batch holds %.0f bytes per call, want under 1 KiB", perCall(executed))
	}
	if perCall(after) > 16 {
		t.Errorf("%.0f bytes per call still live after the batch was dropped", perCall(after))
	}
	client.Close()
	leaks()
}

// heapAfterGC returns the live heap after a full collection (twice, so that
// sync.Pools emptied by the first are collected by the second).
func heapAfterGC() uint64 {
	var ms goruntime.MemStats
	goruntime.GC()
	goruntime.GC()
	goruntime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// shapeBodies are script replies of every shape a Lua script can produce,
// RESP3 types included (rueidis speaks RESP3).
var shapeBodies = map[string]string{
	"int":       "return 7",
	"neg":       "return -5",
	"true":      "return true", // Redis turns Lua true into 1 and false into nil
	"numstr":    "return '42'",
	"negstr":    "return '-3'",
	"bigintstr": "return '9223372036854775808'", // MaxInt64+1
	"str":       "return 'text'",
	"emptystr":  "return ''",
	"floatstr":  "return tostring(2.5)",
	"status":    "return redis.status_reply('FINE')",
	"nil":       "return nil",
	"ints":      "return {1, 2, 3}",
	"pair":      "return {1, 5}",
	"pairs":     "return {'a', '1', 'b', '2'}",
	"odd":       "return {'a', 'b', 'c'}",
	"emptyarr":  "return {}",
	"nested":    "return {{1}, {2}}",
	"errelem":   "return {1, redis.error_reply('BAD inner')}",
	"nilhole":   "return {1, nil, 3}", // a Lua array ends at its first nil: {1}
	"double":    "return {double=3.5}",
	"doubleint": "return {double=3}",
	"map":       "return {map={a='1'}}",
	"mapint":    "return {map={a=1}}",
	"mapnested": "return {map={a={1}}}",
	"mapintkey": "return {map={[1]='a'}}",
	"set":       "return {set={a=true}}",
	"bignum":    "return {big_number='123456789012345678901234567890'}",
	"verbatim":  "return {verbatim_string={format='txt', string='hello'}}",
}

// pairResult is what a generated struct result looks like.
type pairResult struct {
	OK        bool
	Remaining *int64
}

func decodePair(m rueidis.RedisMessage) (pairResult, error) {
	var p pairResult
	f, err := luagenimpl.Fields(&m, 2)
	if err != nil {
		return p, err
	}
	if p.OK, err = luagenimpl.Field(f, 0, "ok", luagenimpl.ReadBool); err != nil {
		return p, err
	}
	p.Remaining, err = luagenimpl.NullableField(f, 1, "remaining", luagenimpl.ReadInt64)
	return p, err
}

func decodeNullableInt64(m rueidis.RedisMessage) (*int64, error) {
	return luagenimpl.Nullable(m, luagenimpl.DecodeInt64)
}

// showValue renders a decoded value for comparison with shapeWant.
func showValue(v any) string {
	switch v := v.(type) {
	case []byte:
		return "bytes:" + string(v)
	case time.Time:
		return "t:" + strconv.FormatInt(v.UnixMilli(), 10)
	case *int64:
		if v == nil {
			return "nil"
		}
		return "&" + strconv.FormatInt(*v, 10)
	case pairResult:
		rem := "nil"
		if v.Remaining != nil {
			rem = strconv.FormatInt(*v.Remaining, 10)
		}
		return fmt.Sprintf("{%v %s}", v.OK, rem)
	case []string:
		if v == nil {
			return "nil"
		}
		return fmt.Sprintf("%q", v)
	case []int64:
		if v == nil {
			return "nil"
		}
		return fmt.Sprint(v)
	case map[string]string:
		if v == nil {
			return "nil"
		}
		return fmt.Sprint(v)
	}
	return fmt.Sprint(v)
}

// shapeWant lists, per decoder, the shapes it accepts and the value it must
// give; every other shape must be a *runtime.ReplyError. "*" accepts any
// value.
var shapeWant = map[string]map[string]string{
	"int64":  {"int": "7", "neg": "-5", "true": "1", "numstr": "42", "negstr": "-3", "doubleint": "3"},
	"int":    {"int": "7", "neg": "-5", "true": "1", "numstr": "42", "negstr": "-3", "doubleint": "3"},
	"uint64": {"int": "7", "true": "1", "numstr": "42", "bigintstr": "9223372036854775808", "doubleint": "3"},
	"string": {"int": "7", "neg": "-5", "true": "1", "numstr": "42", "negstr": "-3", "bigintstr": "9223372036854775808",
		"str": "text", "emptystr": "", "floatstr": "2.5", "status": "FINE"},
	"bytes": {"int": "bytes:7", "neg": "bytes:-5", "true": "bytes:1", "numstr": "bytes:42", "negstr": "bytes:-3",
		"bigintstr": "bytes:9223372036854775808", "str": "bytes:text", "emptystr": "bytes:", "floatstr": "bytes:2.5", "status": "bytes:FINE"},
	"bool":     {"int": "true", "neg": "true", "true": "true", "nil": "false"},
	"float64":  {"int": "7", "neg": "-5", "true": "1", "numstr": "42", "negstr": "-3", "bigintstr": "9.223372036854776e+18", "floatstr": "2.5", "double": "3.5", "doubleint": "3"},
	"duration": {"int": "7ms", "neg": "-5ms", "true": "1ms", "numstr": "42ms", "negstr": "-3ms", "doubleint": "3ms"},
	"time":     {"int": "t:7", "neg": "t:-5", "true": "t:1", "numstr": "t:42", "negstr": "t:-3", "doubleint": "t:3"},
	"[]string": {"nil": "nil", "ints": `["1" "2" "3"]`, "pair": `["1" "5"]`, "pairs": `["a" "1" "b" "2"]`, "odd": `["a" "b" "c"]`,
		"emptyarr": "[]", "nilhole": `["1"]`, "set": `["a"]`},
	"[]int64":  {"nil": "nil", "ints": "[1 2 3]", "pair": "[1 5]", "emptyarr": "[]", "nilhole": "[1]"},
	"map":      {"nil": "nil", "pair": "map[1:5]", "pairs": "map[a:1 b:2]", "emptyarr": "map[]", "map": "map[a:1]", "mapint": "map[a:1]"},
	"nullable": {"int": "&7", "neg": "&-5", "true": "&1", "numstr": "&42", "negstr": "&-3", "doubleint": "&3", "nil": "nil"},
	"struct":   {"pair": "{true 5}", "nilhole": "{true nil}"},
}

// TestEveryDecoderEveryShape extends TestWrongShape to every decoder
// (including Nullable and struct fields) and to RESP3 shapes, by Call and in
// a batch: an accepted shape gives the right value, any other a *ReplyError
// naming the script — never a panic, never a silently wrong value.
func TestEveryDecoderEveryShape(t *testing.T) {
	ctx := ctxT(t)
	r := runtime.New(newClient(t, redistest.Standalone(t).Addr()))
	scripts := map[string]*runtime.Script{}
	for shape, body := range shapeBodies {
		scripts[shape] = newScript("shape_"+shape, body, false)
	}
	type getter func() (string, error)
	// run queues (b != nil) or calls (b == nil) one decoder on one shape.
	type runner func(b *runtime.Batch, s *runtime.Script) getter
	mk := func(call func(*runtime.Batch, *runtime.Script) func() (any, error)) runner {
		return func(b *runtime.Batch, s *runtime.Script) getter {
			get := call(b, s)
			return func() (string, error) {
				v, err := get()
				return showValue(v), err
			}
		}
	}
	decoders := map[string]runner{
		"none":     mk(decoderRun(ctx, r, luagenimpl.DecodeNone)),
		"raw":      mk(decoderRun(ctx, r, luagenimpl.DecodeRaw)),
		"int64":    mk(decoderRun(ctx, r, luagenimpl.DecodeInt64)),
		"int":      mk(decoderRun(ctx, r, luagenimpl.DecodeInt)),
		"uint64":   mk(decoderRun(ctx, r, luagenimpl.DecodeUint64)),
		"string":   mk(decoderRun(ctx, r, luagenimpl.DecodeString)),
		"bytes":    mk(decoderRun(ctx, r, luagenimpl.DecodeBytes)),
		"bool":     mk(decoderRun(ctx, r, luagenimpl.DecodeBool)),
		"float64":  mk(decoderRun(ctx, r, luagenimpl.DecodeFloat64)),
		"duration": mk(decoderRun(ctx, r, luagenimpl.DecodeDuration)),
		"time":     mk(decoderRun(ctx, r, luagenimpl.DecodeTime)),
		"[]string": mk(decoderRun(ctx, r, luagenimpl.DecodeStrings)),
		"[]int64":  mk(decoderRun(ctx, r, luagenimpl.DecodeInt64s)),
		"map":      mk(decoderRun(ctx, r, luagenimpl.DecodeStringMap)),
		"nullable": mk(decoderRun(ctx, r, decodeNullableInt64)),
		"struct":   mk(decoderRun(ctx, r, decodePair)),
	}
	want := func(dec, shape string) (string, bool) {
		if dec == "none" || dec == "raw" {
			return "*", true
		}
		w, ok := shapeWant[dec][shape]
		return w, ok
	}
	for _, viaBatch := range []bool{false, true} {
		var b *runtime.Batch
		if viaBatch {
			b = r.NewBatch()
		}
		gets := map[string]getter{}
		for dec, run := range decoders {
			for shape, s := range scripts {
				gets[dec+"/"+shape] = run(b, s)
			}
		}
		if b != nil {
			_ = b.Exec(ctx) // wrong shapes are reported by each future
		}
		for name, get := range gets {
			dec, shape, _ := strings.Cut(name, "/")
			v, err := get()
			w, ok := want(dec, shape)
			var re *runtime.ReplyError
			switch {
			case ok && err != nil:
				t.Errorf("batch=%v %s: unexpected error %v", viaBatch, name, err)
			case ok && w != "*" && v != w:
				t.Errorf("batch=%v %s = %s, want %s", viaBatch, name, v, w)
			case !ok && !errors.As(err, &re):
				t.Errorf("batch=%v %s = %s, %v; want a *ReplyError", viaBatch, name, v, err)
			case !ok && !strings.Contains(err.Error(), "shape_"+shape):
				t.Errorf("batch=%v %s: error %q does not name the script", viaBatch, name, err)
			}
		}
	}
}

// decoderRun returns a function that either calls s now (b == nil) or queues
// it on b, with dec, and returns the result getter.
func decoderRun[T any](ctx context.Context, r *runtime.Runner, dec luagenimpl.Decoder[T]) func(*runtime.Batch, *runtime.Script) func() (any, error) {
	return func(b *runtime.Batch, s *runtime.Script) func() (any, error) {
		keys := []string{"shape"}
		if b == nil {
			v, err := luagenimpl.Call(ctx, r, s, keys, nil, dec)
			return func() (any, error) { return v, err }
		}
		f := luagenimpl.Queue(b, s, keys, nil, dec)
		return func() (any, error) { return f.Get() }
	}
}

// TestRedisDownAndBack: with the server down, calls and batches fail fast
// with a connection error (no hang, no panic); once it is back they work
// again, the empty script cache being recovered as any NOSCRIPT is.
func TestRedisDownAndBack(t *testing.T) {
	srv := redistest.NewStandalone(t)
	leaks := leakCheck(t)
	ledger := newScript("ledger", "return redis.call('INCR', KEYS[1])", false)

	expectDown := func(r *runtime.Runner, what string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := luagenimpl.Call(ctx, r, ledger, []string{"down"}, nil, luagenimpl.DecodeInt64); err == nil || errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s: Call = %v, want a connection error before the deadline", what, err)
		}
		b := r.NewBatch()
		f := luagenimpl.Queue(b, ledger, []string{"down"}, nil, luagenimpl.DecodeInt64)
		var be *runtime.BatchError
		if err := b.Exec(ctx); !errors.As(err, &be) || be.Failed != 1 {
			t.Fatalf("%s: Exec = %v, want a *BatchError", what, err)
		}
		if err := f.Err(); err == nil || errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s: future = %v, want a connection error before the deadline", what, err)
		}
	}
	// expectUp waits for the server to serve calls again (rueidis reconnects
	// on use), then checks that each call of a batch ran exactly once.
	expectUp := func(r *runtime.Runner, what string) {
		t.Helper()
		ctx := ctxT(t)
		deadline := time.Now().Add(20 * time.Second)
		for {
			_, err := luagenimpl.Call(ctx, r, ledger, []string{"probe"}, nil, luagenimpl.DecodeInt64)
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: calls still fail 20s after the server came back: %v", what, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
		p := prefix(t)
		b := r.NewBatch()
		futs := make([]runtime.Future[int64], 100)
		for i := range futs {
			futs[i] = luagenimpl.Queue(b, ledger, []string{p + strconv.Itoa(i)}, nil, luagenimpl.DecodeInt64)
		}
		if err := b.Exec(ctx); err != nil {
			t.Fatalf("%s: batch: %v", what, err)
		}
		for i, f := range futs {
			if n, err := f.Get(); err != nil || n != 1 {
				t.Fatalf("%s: call %d = %d, %v; want 1", what, i, n, err)
			}
		}
	}

	// Down at start: rueidis.NewClient refuses to build a client it cannot
	// connect with, unless ForceSingleClient, which returns the client with
	// the dial error. The runtime takes whatever client it is given.
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}, DisableCache: true}); err == nil {
		c.Close()
		t.Fatal("rueidis.NewClient succeeded with the server down")
	}
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}, DisableCache: true, ForceSingleClient: true})
	if client == nil {
		t.Fatalf("ForceSingleClient gave no client: %v", err)
	}
	r := runtime.New(client)
	expectDown(r, "down at start")
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	expectUp(r, "after start")

	// Down while in use, then back (empty: no persistence, no scripts).
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	expectDown(r, "stopped")
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	expectUp(r, "restarted")
	client.Close()
	leaks()
}

// TestCancelMidBatch cancels the context of a 100,000-call batch while it
// is in flight, with a cancel func and with a deadline, on a standalone
// server and on the cluster, with the scripts flushed so that cancellation
// can also meet the NOSCRIPT recovery. Exec must return promptly, futures
// hold values or errors, no call runs twice, the runner works afterwards and
// no goroutine is left behind.
func TestCancelMidBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000-call batches")
	}
	const n = 100_000
	sa := redistest.NewStandalone(t)
	cl := redistest.Cluster(t)
	dbsize := func(nodes ...*redistest.Server) func() int64 {
		return func() int64 {
			var total int64
			for _, n := range nodes {
				if v, err := n.Do("DBSIZE"); err == nil {
					total += v.(int64)
				}
			}
			return total
		}
	}
	for _, d := range []struct {
		name  string
		addrs []string
		flush func() error
		keys  func() int64 // keys on the masters: each call that ran made one
	}{
		{"standalone", []string{sa.Addr()}, func() error { _, err := sa.Do("SCRIPT", "FLUSH"); return err }, dbsize(sa)},
		{"cluster", cl.Addrs(), cl.FlushAllScripts, dbsize(cl.Masters()...)},
	} {
		// The cancel run cancels once a quarter of the calls ran; the
		// deadline run gets the time that took (Exec builds the commands
		// first, so most of it passes before the first call runs).
		quarter := 30 * time.Millisecond
		for _, mode := range []string{"cancel", "deadline"} {
			t.Run(d.name+"/"+mode, func(t *testing.T) {
				leaks := leakCheck(t)
				client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: d.addrs, DisableCache: true})
				if err != nil {
					t.Fatal(err)
				}
				defer client.Close()
				r := runtime.New(client)
				ledger := newScript("ledger", "return redis.call('INCR', KEYS[1])", false)
				if err := d.flush(); err != nil {
					t.Fatal(err)
				}
				p := prefix(t)
				key := func(i int) string { return "{" + p + strconv.Itoa(i) + "}" }

				b := r.NewBatch()
				futs := make([]runtime.Future[int64], n)
				for i := range futs {
					futs[i] = luagenimpl.Queue(b, ledger, []string{key(i)}, nil, luagenimpl.DecodeInt64)
				}
				var ctx context.Context
				var cancel context.CancelFunc
				start := time.Now()
				watched := make(chan struct{}) // the watcher is done with quarter
				if mode == "cancel" {
					ctx, cancel = context.WithCancel(context.Background())
					base := d.keys()
					go func() {
						defer close(watched)
						for time.Since(start) < time.Minute && ctx.Err() == nil {
							if d.keys()-base >= n/4 {
								quarter = time.Since(start)
								break
							}
							time.Sleep(time.Millisecond)
						}
						cancel()
					}()
				} else {
					ctx, cancel = context.WithTimeout(context.Background(), quarter)
					close(watched)
				}
				defer cancel()
				done := make(chan error, 1)
				go func() { done <- b.Exec(ctx) }()
				select {
				case err = <-done:
				case <-time.After(2 * time.Minute):
					t.Fatal("Exec did not return within 2 minutes of a cancelled context")
				}
				took := time.Since(start)
				cancel()
				<-watched
				var ok, failed int
				kinds := map[string]int{}
				for i, f := range futs {
					v, err := f.Get()
					switch {
					case err == nil && v == 1:
						ok++
					case err == nil:
						t.Fatalf("call %d returned %d, want 1", i, v)
					default:
						failed++
						kinds[errKind(err)]++
					}
				}
				t.Logf("Exec returned after %v (%v): %d calls succeeded, %d failed %v", took.Round(time.Millisecond), err, ok, failed, kinds)
				if failed > 0 && err == nil {
					t.Fatal("Exec = nil although calls failed")
				}
				// A cancel a quarter of the way (the deadline, taken from the
				// cancel run, may outlast a faster batch) fails the rest with
				// the context's error.
				if mode == "cancel" && (failed == 0 || !errors.Is(err, ctx.Err())) {
					t.Fatalf("Exec = %v with %d failed calls; a context cancelled a quarter of the way must fail the rest with its error", err, failed)
				}

				// Redis's view: a call that succeeded ran once; one that failed
				// ran once or not at all.
				check := r.NewBatch()
				gets := make([]runtime.Future[rueidis.RedisMessage], n)
				for i := range gets {
					gets[i] = check.Do(client.B().Get().Key(key(i)).Build())
				}
				if err := check.Exec(ctxT(t)); err != nil {
					t.Fatalf("reading counters: %v", err)
				}
				var ranAnyway int
				for i, g := range gets {
					m, err := g.Get()
					var count int64
					switch {
					case rueidis.IsRedisNil(err):
					case err != nil:
						t.Fatalf("GET %s: %v", key(i), err)
					default:
						count, _ = m.AsInt64()
					}
					if count > 1 || (futs[i].Err() == nil && count != 1) {
						t.Fatalf("call %d: counter %d, error %v", i, count, futs[i].Err())
					}
					if count == 1 && futs[i].Err() != nil {
						ranAnyway++
					}
				}
				t.Logf("%d of the failed calls had run: an error on a write means it may have", ranAnyway)
				// The runner serves calls normally afterwards.
				after := r.NewBatch()
				for i := range 100 {
					luagenimpl.Queue(after, ledger, []string{p + "after" + strconv.Itoa(i)}, nil, luagenimpl.DecodeInt64)
				}
				if err := after.Exec(ctxT(t)); err != nil {
					t.Fatalf("batch after the cancelled one: %v", err)
				}
				client.Close()
				leaks()
			})
		}
	}
}

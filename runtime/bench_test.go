package runtime_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
	"github.com/redis/rueidis"
)

// The benchmark script: a small token bucket with two same-slot keys and
// two args, as users write them.
const bucketBody = `local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or ARGV[2])
local n = tonumber(ARGV[1])
local ok = 0
if tokens >= n then tokens = tokens - n; ok = 1 end
redis.call('HSET', KEYS[1], 'tokens', tokens)
redis.call('SET', KEYS[2], ok)
return {ok, tokens}`

const benchBatch = 100

// benchKeys are spread over all slots; each pair shares a hash tag.
func benchKeys(n int) (k1, k2 []string) {
	k1, k2 = make([]string, n), make([]string, n)
	for i := range n {
		tag := "{b" + strconv.Itoa(i) + "}"
		k1[i], k2[i] = tag+"bucket", tag+"log"
	}
	return
}

// BenchmarkBatch compares, on the shared 3+3 cluster, a batch of 100 calls
// through the runtime (as is, with KeepOrder, and with hooks that do
// nothing) with the practical ceiling (hand-built rueidis DoMulti of
// EVALSHA, script preloaded) and with rueidis Lua.ExecMulti. Compare the
// calls/s metrics of the sub-benchmarks of one run; -benchmem gives
// allocations per batch (divide by 100 for per call).
func BenchmarkBatch(b *testing.B) {
	cl := redistest.Cluster(b)
	client := newClient(b, cl.Addrs()...)
	ctx := context.Background()
	src := "-- bench\n" + bucketBody
	lua := rueidis.NewLuaScript(src)
	s, sha := newScriptSHA("bucket", bucketBody, false)
	r := runtime.New(client)
	if err := r.Load(ctx, s); err != nil {
		b.Fatal(err)
	}
	k1, k2 := benchKeys(16384)
	take, capacity := "1", "1000000"
	decode := func(m rueidis.RedisMessage) ([2]int64, error) {
		var out [2]int64
		f, err := luagenimpl.Fields(&m, 2)
		if err != nil {
			return out, err
		}
		if out[0], err = luagenimpl.Field(f, 0, "ok", luagenimpl.ReadInt64); err != nil {
			return out, err
		}
		out[1], err = luagenimpl.Field(f, 1, "tokens", luagenimpl.ReadInt64)
		return out, err
	}
	report := func(b *testing.B) {
		b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "calls/s")
	}

	// luagen runs the runtime's batches on runner r, with KeepOrder when
	// ordered.
	luagen := func(r *runtime.Runner, ordered bool) func(b *testing.B) {
		return func(b *testing.B) {
			futs := make([]runtime.Future[[2]int64], benchBatch)
			off := 0
			for b.Loop() {
				batch := r.NewBatch()
				if ordered {
					batch.KeepOrder()
				}
				for i := range futs {
					j := (off + i) & 16383
					futs[i] = luagenimpl.NewFuture(batch, luagenimpl.Add(batch, s, []string{k1[j], k2[j]}, []string{take, capacity}), decode)
				}
				off += benchBatch
				if err := batch.Exec(ctx); err != nil {
					b.Fatal(err)
				}
				for _, f := range futs {
					if _, err := f.Get(); err != nil {
						b.Fatal(err)
					}
				}
			}
			report(b)
		}
	}
	b.Run("luagen", luagen(r, false))
	// A NOSCRIPT storm: SCRIPT FLUSH on every node before every 10th
	// batch, timer stopped. Its calls/s over luagen's is what recovery
	// costs.
	b.Run("luagen-storm", func(b *testing.B) {
		futs := make([]runtime.Future[[2]int64], benchBatch)
		off, n := 0, 0
		for b.Loop() {
			if n%10 == 0 {
				b.StopTimer()
				for _, node := range cl.Nodes() {
					if _, err := node.Do("SCRIPT", "FLUSH"); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
			}
			n++
			batch := r.NewBatch()
			for i := range futs {
				j := (off + i) & 16383
				futs[i] = luagenimpl.NewFuture(batch, luagenimpl.Add(batch, s, []string{k1[j], k2[j]}, []string{take, capacity}), decode)
			}
			off += benchBatch
			if err := batch.Exec(ctx); err != nil {
				b.Fatal(err)
			}
			for _, f := range futs {
				if _, err := f.Get(); err != nil {
					b.Fatal(err)
				}
			}
		}
		report(b)
	})
	b.Run("luagen-KeepOrder", luagen(r, true))
	// Hooks that do nothing: what calling them costs.
	var calls, batches atomic.Int64
	hooked := runtime.New(client, runtime.WithHooks(runtime.Hooks{
		Call:  func(context.Context, runtime.CallInfo) { calls.Add(1) },
		Batch: func(context.Context, runtime.BatchInfo) { batches.Add(1) },
	}))
	b.Run("luagen-hooks", luagen(hooked, false))
	b.Run("hand-built-DoMulti-EVALSHA", func(b *testing.B) {
		cmds := make(rueidis.Commands, benchBatch)
		off := 0
		for b.Loop() {
			for i := range cmds {
				j := (off + i) & 16383
				cmds[i] = client.B().Evalsha().Sha1(sha).Numkeys(2).Key(k1[j], k2[j]).Arg(take, capacity).Build()
			}
			off += benchBatch
			for _, res := range client.DoMulti(ctx, cmds...) {
				m, err := res.ToMessage()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := decode(m); err != nil {
					b.Fatal(err)
				}
			}
		}
		report(b)
	})
	b.Run("rueidis-Lua.ExecMulti", func(b *testing.B) {
		execs := make([]rueidis.LuaExec, benchBatch)
		off := 0
		for b.Loop() {
			for i := range execs {
				j := (off + i) & 16383
				execs[i] = rueidis.LuaExec{Keys: []string{k1[j], k2[j]}, Args: []string{take, capacity}}
			}
			off += benchBatch
			for _, res := range lua.ExecMulti(ctx, client, execs...) {
				m, err := res.ToMessage()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := decode(m); err != nil {
					b.Fatal(err)
				}
			}
		}
		report(b)
	})
}

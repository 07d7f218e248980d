package goredis_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/luagen/luagen/goredis"
	"github.com/luagen/luagen/goredis/luagenimpl"
	"github.com/luagen/luagen/internal/redistest"
)

// BenchmarkBatch100 is a batch of 100 calls on a standalone server, against
// go-redis's pipelined EvalSha; ns and allocs are per call.
func BenchmarkBatch100(b *testing.B) {
	sa := redistest.Standalone(b)
	c := newClient(b, sa.Addr())
	ctx := context.Background()
	r := goredis.New(c)
	s := newScript("inc", `return redis.call('INCRBY', KEYS[1], ARGV[1])`, false)
	if err := r.Load(ctx, s); err != nil {
		b.Fatal(err)
	}
	keys := make([][]string, 100)
	for i := range keys {
		keys[i] = []string{"bench:" + strconv.Itoa(i)}
	}
	args := []string{"1"}
	b.Run("luagen", func(b *testing.B) {
		b.ReportAllocs()
		futs := make([]goredis.Future[int64], 100)
		for b.Loop() {
			bt := r.NewBatch()
			for i := range futs {
				futs[i] = luagenimpl.NewFuture(bt, luagenimpl.Add(bt, s, keys[i], args), luagenimpl.DecodeInt64)
			}
			if err := bt.Exec(ctx); err != nil {
				b.Fatal(err)
			}
			for _, f := range futs {
				if _, err := f.Get(); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/call")
	})
	b.Run("go-redis-EvalSha", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			pipe := c.Pipeline()
			for i := range keys {
				pipe.EvalSha(ctx, s.SHA1(), keys[i], 1)
			}
			cmds, err := pipe.Exec(ctx)
			if err != nil {
				b.Fatal(err)
			}
			for _, cmd := range cmds {
				if _, err := cmd.(interface{ Int64() (int64, error) }).Int64(); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/call")
	})
}

// BenchmarkCall is one single call.
func BenchmarkCall(b *testing.B) {
	sa := redistest.Standalone(b)
	c := newClient(b, sa.Addr())
	ctx := context.Background()
	r := goredis.New(c)
	s := newScript("inc", `return redis.call('INCRBY', KEYS[1], ARGV[1])`, false)
	if err := r.Load(ctx, s); err != nil {
		b.Fatal(err)
	}
	keys, args := []string{"bench:single"}, []string{"1"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := luagenimpl.Call(ctx, r, s, keys, args, luagenimpl.DecodeInt64); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCallGoRedis is go-redis's own EvalSha, for comparison.
func BenchmarkCallGoRedis(b *testing.B) {
	sa := redistest.Standalone(b)
	c := newClient(b, sa.Addr())
	ctx := context.Background()
	s := newScript("inc", `return redis.call('INCRBY', KEYS[1], ARGV[1])`, false)
	if err := goredis.New(c).Load(ctx, s); err != nil {
		b.Fatal(err)
	}
	keys := []string{"bench:single"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.EvalSha(ctx, s.SHA1(), keys, "1").Int64(); err != nil {
			b.Fatal(err)
		}
	}
}

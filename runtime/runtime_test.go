package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
	"github.com/redis/rueidis"
)

// The ledger script counts each call id once per run: a doubled call shows
// up as a count of 2, a lost one as 0.
const ledgerBody = `local n = redis.call('INCR', KEYS[1])
redis.call('INCRBY', KEYS[2], ARGV[1])
return n`

func TestSingleCalls(t *testing.T) {
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			p := prefix(t)
			r := runtime.New(d.client)
			ledger := newScript("ledger", ledgerBody, false)
			get := newScript("get", "return redis.call('GET', KEYS[1])", true)
			echo := newScript("echo", "return ARGV[1]", false)

			// First call: NOSCRIPT, then EVAL; second: EVALSHA.
			for want := int64(1); want <= 2; want++ {
				n, err := luagenimpl.Call(ctx, r, ledger, []string{"{" + p + "}id", "{" + p + "}total"}, []string{"5"}, luagenimpl.DecodeInt64)
				if err != nil || n != want {
					t.Fatalf("ledger call %d = %d, %v; want %d", want, n, err, want)
				}
			}
			v, err := luagenimpl.Call(ctx, r, get, []string{"{" + p + "}total"}, nil, luagenimpl.DecodeInt64)
			if err != nil || v != 10 {
				t.Fatalf("get total = %d, %v; want 10", v, err)
			}
			missing, err := luagenimpl.Call(ctx, r, get, []string{p + "nothing"}, nil, func(m rueidis.RedisMessage) (*string, error) {
				return luagenimpl.Nullable(m, luagenimpl.DecodeString)
			})
			if err != nil || missing != nil {
				t.Fatalf("get missing = %v, %v; want nil, nil", missing, err)
			}
			s, err := luagenimpl.Call(ctx, r, echo, nil, []string{"hello"}, luagenimpl.DecodeString)
			if err != nil || s != "hello" {
				t.Fatalf("zero-key echo = %q, %v", s, err)
			}
		})
	}
}

// TestBatches queues calls over all slots mixing two scripts, a read-only
// script, a zero-key script and plain commands, and checks every value.
func TestBatches(t *testing.T) {
	for _, d := range deployments(t) {
		for _, size := range []int{1, 100, 10000} {
			t.Run(fmt.Sprintf("%s/%d", d.name, size), func(t *testing.T) {
				ctx := ctxT(t)
				p := prefix(t)
				r := runtime.New(d.client)
				ledger := newScript("ledger", ledgerBody, false)
				get := newScript("get", "return redis.call('GET', KEYS[1])", true)
				echo := newScript("echo", "return ARGV[1] .. ':' .. #KEYS", false)
				set := newScript("set", "redis.call('SET', KEYS[1], ARGV[1]); return 'OK'", false)

				// Seed values for the read-only script, by script and by plain SET.
				seed := r.NewBatch()
				for i := 0; i < size; i++ {
					if i%2 == 0 {
						luagenimpl.Queue(seed, set, []string{p + "v" + strconv.Itoa(i)}, []string{strconv.Itoa(i * 3)}, luagenimpl.DecodeString)
					} else {
						seed.Do(d.client.B().Set().Key(p + "v" + strconv.Itoa(i)).Value(strconv.Itoa(i * 3)).Build())
					}
				}
				if err := seed.Exec(ctx); err != nil {
					t.Fatalf("seed: %v", err)
				}

				b := r.NewBatch()
				type futs struct {
					ledger runtime.Future[int64]
					get    runtime.Future[int64]
					echo   runtime.Future[string]
					plain  runtime.Future[rueidis.RedisMessage]
				}
				fs := make([]futs, size)
				for i := 0; i < size; i++ {
					id := p + "id" + strconv.Itoa(i)
					fs[i].ledger = luagenimpl.Queue(b, ledger, []string{"{" + id + "}n", "{" + id + "}sum"}, []string{strconv.Itoa(i)}, luagenimpl.DecodeInt64)
					fs[i].get = luagenimpl.Queue(b, get, []string{p + "v" + strconv.Itoa(i)}, nil, luagenimpl.DecodeInt64)
					fs[i].echo = luagenimpl.Queue(b, echo, nil, []string{strconv.Itoa(i)}, luagenimpl.DecodeString)
					fs[i].plain = b.Do(d.client.B().Incr().Key(id + ":plain").Build())
				}
				if b.Len() != 4*size {
					t.Fatalf("Len = %d, want %d", b.Len(), 4*size)
				}
				if err := b.Exec(ctx); err != nil {
					t.Fatalf("Exec: %v", err)
				}
				for i, f := range fs {
					if n, err := f.ledger.Get(); err != nil || n != 1 {
						t.Fatalf("call %d: ledger = %d, %v; want 1", i, n, err)
					}
					if v, err := f.get.Get(); err != nil || v != int64(i*3) {
						t.Fatalf("call %d: get = %d, %v; want %d", i, v, err, i*3)
					}
					if s, err := f.echo.Get(); err != nil || s != strconv.Itoa(i)+":0" {
						t.Fatalf("call %d: echo = %q, %v", i, s, err)
					}
					m, err := f.plain.Get()
					if err != nil {
						t.Fatalf("call %d: plain INCR: %v", i, err)
					}
					if n, _ := m.AsInt64(); n != 1 {
						t.Fatalf("call %d: plain INCR = %d, want 1", i, n)
					}
				}
				if err := b.Exec(ctx); !errors.Is(err, runtime.ErrExecuted) {
					t.Fatalf("second Exec = %v, want ErrExecuted", err)
				}
			})
		}
	}
}

// TestNoScriptRecovery flushes every node's script cache between and during
// batches; every call must run exactly once.
func TestNoScriptRecovery(t *testing.T) {
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			p := prefix(t)
			r := runtime.New(d.client)
			ledger := newScript("ledger", ledgerBody, false)
			const batches, size = 30, 200

			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { // flush during batches
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					flushScripts(t, d.nodes)
				}
			}()
			var failures []string
			for n := 0; n < batches; n++ {
				if n%5 == 0 {
					flushScripts(t, d.nodes) // and between them
				}
				b := r.NewBatch()
				fs := make([]runtime.Future[int64], size)
				for i := range fs {
					id := fmt.Sprintf("%sb%d:%d", p, n, i)
					fs[i] = luagenimpl.Queue(b, ledger, []string{"{" + id + "}n", "{" + id + "}sum"}, []string{"1"}, luagenimpl.DecodeInt64)
				}
				if err := b.Exec(ctx); err != nil {
					failures = append(failures, err.Error())
				}
				for i, f := range fs {
					if v, err := f.Get(); err != nil || v != 1 {
						failures = append(failures, fmt.Sprintf("batch %d call %d: %d, %v", n, i, v, err))
					}
				}
				// Single calls during the flushes too.
				id := fmt.Sprintf("%ss%d", p, n)
				if v, err := luagenimpl.Call(ctx, r, ledger, []string{"{" + id + "}n", "{" + id + "}sum"}, []string{"1"}, luagenimpl.DecodeInt64); err != nil || v != 1 {
					failures = append(failures, fmt.Sprintf("single %d: %d, %v", n, v, err))
				}
			}
			close(stop)
			wg.Wait()
			if len(failures) > 0 {
				t.Fatalf("%d failures, first: %s", len(failures), strings.Join(failures[:min(5, len(failures))], "; "))
			}
			// Redis's own state: every counter is exactly 1.
			check := r.NewBatch()
			var gets []runtime.Future[rueidis.RedisMessage]
			for n := 0; n < batches; n++ {
				for i := 0; i < size; i++ {
					gets = append(gets, check.Do(d.client.B().Get().Key(fmt.Sprintf("{%sb%d:%d}n", p, n, i)).Build()))
				}
			}
			if err := check.Exec(ctx); err != nil {
				t.Fatal(err)
			}
			for i, g := range gets {
				m, err := g.Get()
				if err != nil {
					t.Fatalf("counter %d: %v", i, err)
				}
				if v, _ := m.AsInt64(); v != 1 {
					t.Fatalf("counter %d = %d, want exactly 1", i, v)
				}
			}
		})
	}
}

func TestCancelledContext(t *testing.T) {
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			r := runtime.New(d.client)
			echo := newScript("echo", "return ARGV[1]", false)
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if _, err := luagenimpl.Call(ctx, r, echo, []string{"k"}, []string{"x"}, luagenimpl.DecodeString); !errors.Is(err, context.Canceled) {
				t.Fatalf("Call with cancelled ctx = %v, want context.Canceled", err)
			}
			b := r.NewBatch()
			f := luagenimpl.Queue(b, echo, []string{"k"}, []string{"x"}, luagenimpl.DecodeString)
			if err := b.Exec(ctx); !errors.Is(err, context.Canceled) {
				t.Fatalf("Exec with cancelled ctx = %v, want context.Canceled", err)
			}
			if _, err := f.Get(); !errors.Is(err, context.Canceled) {
				t.Fatalf("future = %v, want context.Canceled", err)
			}
		})
	}
}

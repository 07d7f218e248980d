package goredis_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/luagen/luagen/goredis"
	"github.com/luagen/luagen/goredis/luagenimpl"
)

// TestAutoPipeline: with WithAutoPipeline, single calls from many
// goroutines go through the client's autopipeliner, decode their replies,
// and survive NOSCRIPT (a SCRIPT FLUSH between rounds) with every call run
// exactly once.
func TestAutoPipeline(t *testing.T) {
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			hook := &scriptCounter{}
			d.client.AddHook(hook)
			r := goredis.New(d.client, goredis.WithAutoPipeline(true))
			ledger := newScript("ledger", ledgerBody, false)
			p := prefix(t)
			const goroutines, calls = 32, 20
			for round := range 3 {
				flushScripts(t, d.nodes)
				var wg sync.WaitGroup
				errs := make(chan error, goroutines)
				for g := range goroutines {
					wg.Go(func() {
						for i := range calls {
							keys := ledgerKeys(p, strconv.Itoa(g*calls+i))
							v, err := luagenimpl.Call(ctx, r, ledger, keys, []string{"2"}, luagenimpl.DecodeInt64)
							if err == nil && v != int64(2*(round+1)) {
								err = fmt.Errorf("call %d: got %d, want %d", g*calls+i, v, 2*(round+1))
							}
							if err != nil {
								errs <- err
								return
							}
						}
					})
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Fatal(err)
				}
			}
			for j := range goroutines * calls {
				if c := count(t, d.client, ledgerKeys(p, strconv.Itoa(j))[0]); c != 3 {
					t.Fatalf("call %d ran %d times over 3 rounds", j, c)
				}
			}
			// Through the autopipeliner, the calls reach the client's
			// pipeline hook; it sends a command alone only when nothing
			// else is queued. (Without it, only the NOSCRIPT recoveries'
			// pipelines would.)
			alone, piped := hook.counts()
			t.Logf("EVALSHA: %d sent alone, %d in pipelines", alone, piped)
			if total := 3 * goroutines * calls; piped < total*9/10 {
				t.Errorf("EVALSHA sent alone %d times and in pipelines %d times; want at least %d of the %d calls in pipelines", alone, piped, total*9/10, total)
			}
		})
	}
}

// scriptCounter is a go-redis hook that counts the EVALSHA commands a
// client sends by themselves and in pipelines.
type scriptCounter struct {
	mu           sync.Mutex
	alone, piped int
}

func (h *scriptCounter) counts() (alone, piped int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.alone, h.piped
}

func (h *scriptCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *scriptCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() == "evalsha" {
			h.mu.Lock()
			h.alone++
			h.mu.Unlock()
		}
		return next(ctx, cmd)
	}
}

func (h *scriptCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		n := 0
		for _, c := range cmds {
			if c.Name() == "evalsha" {
				n++
			}
		}
		h.mu.Lock()
		h.piped += n
		h.mu.Unlock()
		return next(ctx, cmds)
	}
}

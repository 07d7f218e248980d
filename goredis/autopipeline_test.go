package goredis_test

import (
	"fmt"
	"strconv"
	"sync"
	"testing"

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
		})
	}
}

package runtime_test

import (
	"context"
	"errors"
	"fmt"
	goruntime "runtime"
	"strconv"
	"testing"
	"time"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/runtime"
	"github.com/redis/rueidis"
)

// TestMillionCallBatch runs one batch of 1,000,000 calls: it must succeed,
// hold memory proportional to the batch while it is alive, give it all back
// once the batch is dropped, and leave no goroutine behind.
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
		futs[i] = runtime.Queue(b, s, keys, nil, runtime.DecodeInt64)
	}
	queued := heapAfterGC()
	start := time.Now()
	if err := b.Exec(ctx); err != nil {
		t.Fatalf("Exec: %v", err)
	}
	took := time.Since(start)
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
	perCall := func(h uint64) float64 { return float64(int64(h)-int64(base)) / n }
	t.Logf("1M calls in %v; live heap per call: queued %.0f B, executed %.0f B, after drop %.0f B",
		took.Round(time.Millisecond), perCall(queued), perCall(executed), perCall(after))
	// Bounded by the batch: a few hundred bytes per call while it lives (its
	// keys and args, its command, its reply), and nothing kept afterwards.
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

var _ = errors.New
var _ = fmt.Sprint
var _ rueidis.Client

package luagenotel_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/rueidis"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/luagen/luagen/examples/ratelimit/limiter"
	luagenotel "github.com/luagen/luagen/otel"
	"github.com/luagen/luagen/runtime"
)

// The rate limiter of examples/ratelimit, traced and measured: a span per
// single call and per batch, and counters per script. Here the SDK keeps
// what it records in memory; a program would export it (OTLP, ...).
func Example() {
	ctx := context.Background()
	m, _ := miniredis.Run() // an embedded Redis; any rueidis client will do
	defer m.Close()
	client, _ := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{m.Addr()}, DisableCache: true})
	defer client.Close()

	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))

	lim := limiter.New(client, runtime.WithHooks(luagenotel.Hooks(
		luagenotel.WithTracerProvider(tp), luagenotel.WithMeterProvider(mp))))

	now := time.UnixMilli(1_700_000_000_000)
	lim.TakeTokens(ctx, "{rl:alice}:bucket", "{rl:alice}:refused", 2, 5, now, 1)
	p := lim.Pipeline()
	for _, user := range []string{"bob", "carol", "dave"} {
		p.TakeTokens("{rl:"+user+"}:bucket", "{rl:"+user+"}:refused", 2, 5, now, 1)
	}
	p.Exec(ctx)

	for _, s := range spans.Ended() {
		fmt.Print(s.Name())
		for _, kv := range s.Attributes() {
			switch kv.Key {
			case "luagen.script.sha1", "luagen.noscript", "luagen.batch.size":
				fmt.Printf(" %s=%s", kv.Key, kv.Value.Emit())
			}
		}
		fmt.Println()
	}
	var rm metricdata.ResourceMetrics
	reader.Collect(ctx, &rm)
	var counts []string
	for _, sm := range rm.ScopeMetrics {
		for _, mt := range sm.Metrics {
			if sum, ok := mt.Data.(metricdata.Sum[int64]); ok && mt.Name == "luagen.calls" {
				for _, dp := range sum.DataPoints {
					batched, _ := dp.Attributes.Value("luagen.batched")
					outcome, _ := dp.Attributes.Value("luagen.outcome")
					counts = append(counts, fmt.Sprintf("luagen.calls{batched=%s, outcome=%s} = %d", batched.Emit(), outcome.Emit(), dp.Value))
				}
			}
		}
	}
	slices.Sort(counts)
	fmt.Println(strings.Join(counts, "\n"))
	// Output:
	// TakeTokens luagen.script.sha1=c637d7940f2f332a4a5ac7aa42e9b83923b018ad luagen.noscript=1
	// luagen batch luagen.batch.size=3
	// luagen.calls{batched=false, outcome=ok} = 1
	// luagen.calls{batched=true, outcome=ok} = 3
}

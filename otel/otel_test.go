package luagenotel_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/luagen/luagen/internal/redistest"
	luagenotel "github.com/luagen/luagen/otel"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// TestHooks runs single calls and a batch on a real cluster through the
// adapter and checks the spans (names, script name and SHA1, NOSCRIPT
// recoveries, error status and type, parent) and the counters.
func TestHooks(t *testing.T) {
	cl := redistest.Cluster(t)
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: cl.Addrs(), DisableCache: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	r := runtime.New(client, runtime.WithHooks(luagenotel.Hooks(luagenotel.WithTracerProvider(tp), luagenotel.WithMeterProvider(mp))))

	src := fmt.Sprintf("-- otel %d\nreturn redis.call('INCR', KEYS[1])", time.Now().UnixNano())
	sum := sha1.Sum([]byte(src))
	sha := hex.EncodeToString(sum[:])
	incr := luagenimpl.NewScript("Incr", "scripts/incr.lua", src, sha, false)
	tag := fmt.Sprintf("{otel%d}", time.Now().UnixNano())

	// The caller's span is the parent of the call's.
	parentCtx, parent := tp.Tracer("test").Start(ctx, "handler")
	if n, err := luagenimpl.Call(parentCtx, r, incr, []string{tag + "n"}, nil, luagenimpl.DecodeInt64); err != nil || n != 1 {
		t.Fatalf("call = %d, %v", n, err)
	}
	parent.End()
	if _, err := luagenimpl.Call(ctx, r, incr, []string{tag + "n"}, []string{"extra"}, luagenimpl.DecodeString); err != nil {
		t.Fatalf("call with an extra arg: %v", err) // INCR ignores ARGV: still fine
	}
	if _, err := client.Do(ctx, client.B().Set().Key(tag+"s").Value("x").Build()).ToString(); err != nil {
		t.Fatal(err)
	}
	if _, err := luagenimpl.Call(ctx, r, incr, []string{tag + "s"}, nil, luagenimpl.DecodeInt64); err == nil {
		t.Fatal("INCR of a string succeeded")
	}
	b := r.NewBatch()
	for i := range 3 {
		luagenimpl.Queue(b, incr, []string{fmt.Sprintf("%sb%d", tag, i)}, nil, luagenimpl.DecodeInt64)
	}
	if err := b.Exec(ctx); err != nil {
		t.Fatal(err)
	}

	got := spans.Ended()
	var names []string
	for _, s := range got {
		names = append(names, s.Name())
	}
	if fmt.Sprint(names) != "[Incr handler Incr Incr luagen batch]" {
		t.Fatalf("spans %v; want the three single calls, the handler and the batch", names)
	}
	attrs := func(s sdktrace.ReadOnlySpan) map[attribute.Key]string {
		m := map[attribute.Key]string{}
		for _, kv := range s.Attributes() {
			m[kv.Key] = kv.Value.Emit()
		}
		return m
	}
	first := got[0]
	a := attrs(first)
	if a["luagen.script.name"] != "Incr" || a["luagen.script.sha1"] != sha || a["luagen.script.file"] != "scripts/incr.lua" ||
		a["luagen.noscript"] != "1" || a["db.system.name"] != "redis" || first.SpanKind() != trace.SpanKindClient {
		t.Errorf("first call's span: %v", a)
	}
	if first.Parent().SpanID() != got[1].SpanContext().SpanID() {
		t.Errorf("the call's span is not a child of the caller's")
	}
	if !first.EndTime().After(first.StartTime()) {
		t.Errorf("span times %v..%v", first.StartTime(), first.EndTime())
	}
	failed := got[3]
	if failed.Status().Code != codes.Error || attrs(failed)["error.type"] != "ERR" {
		t.Errorf("failed call's span: status %v, attributes %v; want Error and error.type ERR", failed.Status(), attrs(failed))
	}
	ba := attrs(got[4])
	if ba["luagen.batch.size"] != "3" || ba["luagen.batch.rounds"] != "1" || ba["luagen.batch.failed"] != "0" {
		t.Errorf("batch span: %v", ba)
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, mt := range sm.Metrics {
			s, ok := mt.Data.(metricdata.Sum[int64])
			if !ok {
				continue
			}
			for _, dp := range s.DataPoints {
				key := mt.Name
				if v, ok := dp.Attributes.Value("luagen.outcome"); ok {
					batched, _ := dp.Attributes.Value("luagen.batched")
					key += fmt.Sprintf("{%s,batched=%s}", v.Emit(), batched.Emit())
				}
				counts[key] += dp.Value
			}
		}
	}
	want := map[string]int64{
		"luagen.calls{ok,batched=false}":          2,
		"luagen.calls{error_reply,batched=false}": 1,
		"luagen.calls{ok,batched=true}":           3,
		"luagen.noscript{ok,batched=false}":       1,
		"luagen.batches":                          1,
	}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("counters %v\nwant %v", counts, want)
	}
}

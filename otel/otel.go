// Package luagenotel reports what a luagen runtime.Runner does to
// OpenTelemetry: a span per single call and per batch, and counters and
// histograms per script.
//
//	import luagenotel "github.com/luagen/luagen/otel"
//
//	lim := limiter.New(client, runtime.WithHooks(luagenotel.Hooks()))
//
// It is its own module, so that luagen's runtime does not depend on
// OpenTelemetry. By default it uses the global tracer and meter providers
// (otel.GetTracerProvider, otel.GetMeterProvider).
//
// Spans (kind client, named after the script, or "luagen batch"):
//
//   - luagen.script.name, luagen.script.file, luagen.script.sha1 (the SHA1
//     EVALSHA sends), db.system.name = "redis";
//   - luagen.batched, luagen.noscript (NOSCRIPT replies recovered),
//     luagen.retries (sent again after TRYAGAIN, BUSY, ...);
//   - on failure the status is Error and error.type is the error reply's
//     code ("ERR", "NOPERM", "BUSY", ...) or "transport";
//   - a batch's span has luagen.batch.size, luagen.batch.nodes,
//     luagen.batch.rounds and luagen.batch.failed. Calls inside a batch get
//     spans of their own (children of the batch's context, not of the batch
//     span, which is recorded after them) only with WithBatchedCallSpans:
//     a batch may hold thousands.
//
// Metrics, all with luagen.script.name and luagen.batched:
//
//   - luagen.calls (counter), with luagen.outcome (ok, error_reply,
//     transport_error) and error.type;
//   - luagen.call.duration (histogram, seconds);
//   - luagen.noscript and luagen.retries (counters);
//   - luagen.batches (counter), luagen.batch.size (histogram, calls) and
//     luagen.batch.duration (histogram, seconds), without script name.
package luagenotel

import (
	"context"
	"sync"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/luagen/luagen/runtime"
)

// scope is the instrumentation scope of the tracer and meter.
const scope = "github.com/luagen/luagen/otel"

// Option configures Hooks.
type Option func(*config)

type config struct {
	tp          trace.TracerProvider
	mp          metric.MeterProvider
	batchedCall bool
}

// WithTracerProvider sets the tracer provider (default: the global one).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.tp = tp }
}

// WithMeterProvider sets the meter provider (default: the global one).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.mp = mp }
}

// WithBatchedCallSpans records a span for every call inside a batch too.
func WithBatchedCallSpans() Option {
	return func(c *config) { c.batchedCall = true }
}

// Hooks returns runtime hooks that record spans and metrics; install them
// with runtime.WithHooks (or a generated package's New(client,
// runtime.WithHooks(...))). Instruments that cannot be created are left
// out (OpenTelemetry then reports the error to its error handler).
func Hooks(opts ...Option) runtime.Hooks {
	c := config{tp: otel.GetTracerProvider(), mp: otel.GetMeterProvider()}
	for _, o := range opts {
		o(&c)
	}
	h := &hooks{cfg: c, tracer: c.tp.Tracer(scope)}
	m := c.mp.Meter(scope)
	var err error
	if h.calls, err = m.Int64Counter("luagen.calls", metric.WithDescription("Script calls sent, by outcome"), metric.WithUnit("{call}")); err != nil {
		otel.Handle(err)
	}
	if h.callDur, err = m.Float64Histogram("luagen.call.duration", metric.WithDescription("Time from a call (or its batch's Exec) to its final reply"), metric.WithUnit("s")); err != nil {
		otel.Handle(err)
	}
	if h.noscript, err = m.Int64Counter("luagen.noscript", metric.WithDescription("NOSCRIPT replies recovered (script loaded, call sent again)"), metric.WithUnit("{reply}")); err != nil {
		otel.Handle(err)
	}
	if h.retries, err = m.Int64Counter("luagen.retries", metric.WithDescription("Calls sent again after a reply meaning they did not run (TRYAGAIN, BUSY, ...)"), metric.WithUnit("{retry}")); err != nil {
		otel.Handle(err)
	}
	if h.batches, err = m.Int64Counter("luagen.batches", metric.WithDescription("Batches executed"), metric.WithUnit("{batch}")); err != nil {
		otel.Handle(err)
	}
	if h.batchSize, err = m.Int64Histogram("luagen.batch.size", metric.WithDescription("Calls per batch"), metric.WithUnit("{call}")); err != nil {
		otel.Handle(err)
	}
	if h.batchDur, err = m.Float64Histogram("luagen.batch.duration", metric.WithDescription("Time of a batch's Exec"), metric.WithUnit("s")); err != nil {
		otel.Handle(err)
	}
	return runtime.Hooks{Call: h.call, Batch: h.batch}
}

type hooks struct {
	cfg    config
	tracer trace.Tracer

	calls, noscript, retries, batches metric.Int64Counter
	batchSize                         metric.Int64Histogram
	callDur, batchDur                 metric.Float64Histogram

	// attrs caches each (script, batched, outcome, code)'s attribute set:
	// building one per call would allocate.
	attrs sync.Map // attrKey → metric.MeasurementOption
}

type attrKey struct {
	script  *runtime.Script
	batched bool
	outcome runtime.Outcome
	code    string
}

func (h *hooks) call(ctx context.Context, ci runtime.CallInfo) {
	errType := ci.Code
	if ci.Outcome == runtime.OutcomeTransport {
		errType = "transport"
	}
	if !ci.Batched || h.cfg.batchedCall {
		_, span := h.tracer.Start(ctx, ci.Script.Name(), trace.WithSpanKind(trace.SpanKindClient), trace.WithTimestamp(ci.Start))
		span.SetAttributes(
			attribute.String("db.system.name", "redis"),
			attribute.String("luagen.script.name", ci.Script.Name()),
			attribute.String("luagen.script.file", ci.Script.File()),
			attribute.String("luagen.script.sha1", ci.Script.SHA1()),
			attribute.Bool("luagen.batched", ci.Batched),
			attribute.Int("luagen.noscript", ci.NoScript),
			attribute.Int("luagen.retries", ci.Retries),
		)
		if ci.Outcome != runtime.OutcomeOK {
			span.SetAttributes(attribute.String("error.type", errType))
			span.SetStatus(codes.Error, ci.Err.Error())
		}
		span.End(trace.WithTimestamp(ci.Start.Add(ci.Duration)))
	}

	key := attrKey{ci.Script, ci.Batched, ci.Outcome, ci.Code}
	v, ok := h.attrs.Load(key)
	if !ok {
		kv := []attribute.KeyValue{
			attribute.String("luagen.script.name", ci.Script.Name()),
			attribute.Bool("luagen.batched", ci.Batched),
			attribute.String("luagen.outcome", ci.Outcome.String()),
		}
		if errType != "" {
			kv = append(kv, attribute.String("error.type", errType))
		}
		v, _ = h.attrs.LoadOrStore(key, metric.WithAttributeSet(attribute.NewSet(kv...)))
	}
	attrs := v.(metric.MeasurementOption)
	if h.calls != nil {
		h.calls.Add(ctx, 1, attrs)
	}
	if h.callDur != nil {
		h.callDur.Record(ctx, ci.Duration.Seconds(), attrs)
	}
	if ci.NoScript > 0 && h.noscript != nil {
		h.noscript.Add(ctx, int64(ci.NoScript), attrs)
	}
	if ci.Retries > 0 && h.retries != nil {
		h.retries.Add(ctx, int64(ci.Retries), attrs)
	}
}

func (h *hooks) batch(ctx context.Context, bi runtime.BatchInfo) {
	_, span := h.tracer.Start(ctx, "luagen batch", trace.WithSpanKind(trace.SpanKindClient), trace.WithTimestamp(bi.Start))
	span.SetAttributes(
		attribute.String("db.system.name", "redis"),
		attribute.Int("luagen.batch.size", bi.Size),
		attribute.Int("luagen.batch.nodes", bi.Nodes),
		attribute.Int("luagen.batch.rounds", bi.Rounds),
		attribute.Int("luagen.batch.failed", bi.Failed),
	)
	if bi.Failed > 0 {
		span.SetStatus(codes.Error, "some calls failed")
	}
	span.End(trace.WithTimestamp(bi.Start.Add(bi.Duration)))
	if h.batches != nil {
		h.batches.Add(ctx, 1)
	}
	if h.batchSize != nil {
		h.batchSize.Record(ctx, int64(bi.Size))
	}
	if h.batchDur != nil {
		h.batchDur.Record(ctx, bi.Duration.Seconds())
	}
}

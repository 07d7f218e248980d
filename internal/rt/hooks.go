package rt

import (
	"context"
	"time"
)

// Hooks observe a runner's script calls and batches, for metrics and
// traces (package github.com/luagen/luagen/otel adapts them to
// OpenTelemetry). Each func may be nil; with none set, a runner does no
// extra work at all. Hooks run on the goroutine that made the call or ran
// Exec, after the call or batch ended and before it returns, so keep them
// short; they must be safe for concurrent use.
type Hooks struct {
	// Call is called once per script call that was sent, with its final
	// reply: for a single call before it returns, for a batch's calls in
	// queue order before Exec returns (and before Batch). Calls that
	// failed before anything was sent (a *CrossSlotError, an
	// *ArgumentError) and plain commands are not reported.
	Call func(ctx context.Context, info CallInfo)
	// Batch is called once per Exec that sent anything, after the Call
	// hooks of its calls.
	Batch func(ctx context.Context, info BatchInfo)
}

// CallInfo describes one script call for Hooks.Call.
type CallInfo struct {
	Script *Script // Name, File and SHA1 say which
	// Batched is true for a call queued on a Batch, false for a single
	// call.
	Batched bool
	// Start is when the call (or its batch's Exec) started; Duration runs
	// from there to its final reply (for a batched call, the end of the
	// round trip that brought it).
	Start    time.Time
	Duration time.Duration
	// Outcome is how Redis answered; Code is the error reply's first word
	// ("ERR", "WRONGTYPE", "NOPERM", "BUSY", ...) when Outcome is
	// OutcomeErrorReply; Err is the error the call's caller gets for that
	// reply (a *ScriptError, or the network or context error), nil when
	// OK. Decoding happens later (in Future.Get for a batch): a
	// *ReplyError is not reported here.
	Outcome Outcome
	Code    string
	Err     error
	// NoScript is the number of NOSCRIPT replies the call met and the
	// runner recovered from (the script loaded and the call sent again);
	// Retries the number of times it was sent again after another reply
	// meaning it did not run (TRYAGAIN, CLUSTERDOWN, LOADING, READONLY,
	// NOREPLICAS, BUSY, a refused connection).
	NoScript int
	Retries  int
}

// BatchInfo describes one Exec for Hooks.Batch.
type BatchInfo struct {
	Size int // calls queued: script calls, plain commands, and calls that failed before sending
	// Nodes is the number of nodes the batch's first round trip went to
	// (0 on a cluster until the runner has read its map of the cluster,
	// just after the first NOSCRIPT or hooked batch).
	Nodes int
	// Rounds is the number of DoMulti round trips: 1 unless calls were
	// recovered from NOSCRIPT or retried.
	Rounds   int
	Failed   int // calls whose future holds an error, as in BatchError
	Start    time.Time
	Duration time.Duration
}

// Outcome says how Redis answered a call.
type Outcome uint8

const (
	// OutcomeOK: a reply that is not an error (a nil reply included).
	OutcomeOK Outcome = iota
	// OutcomeErrorReply: an error reply (see CallInfo.Code).
	OutcomeErrorReply
	// OutcomeTransport: no reply, because of a network error, a timeout or
	// the context's end. A write script may or may not have run.
	OutcomeTransport
)

func (o Outcome) String() string {
	switch o {
	case OutcomeOK:
		return "ok"
	case OutcomeErrorReply:
		return "error_reply"
	case OutcomeTransport:
		return "transport_error"
	}
	return "unknown"
}

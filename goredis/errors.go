package goredis

import "github.com/luagen/luagen/internal/rt"

// The error and hook types are shared with the rueidis backend
// (github.com/luagen/luagen/runtime): errors.As with either package's name
// matches both.

// ErrNotExecuted is returned by Future.Get before its batch ran.
var ErrNotExecuted = rt.ErrNotExecuted

// ErrExecuted is returned by Exec on a batch that already ran: a batch runs
// once, so that no call is sent twice.
var ErrExecuted = rt.ErrExecuted

// ScriptError is an error reply to a script call: a Lua runtime error, an
// error from redis.call inside the script, a redis.error_reply, or a refusal
// such as NOPERM. Its fields: Script (Go name), File (the .lua file), Line
// (the line Redis blamed, mapped back through includes and Functions
// libraries; 0 when Redis named none), IncludedBy (the script's own file
// when File is a file it includes), Code (the reply's first word when upper
// case: "ERR", "WRONGTYPE", "NOPERM", "BUSY", ...) and Msg (the reply).
// IsPermission reports an ACL refusal; Unwrap gives go-redis's redis.Error.
type ScriptError = rt.ScriptError

// CrossSlotError is returned, before anything is sent, for a call whose keys
// hash to different cluster slots (Script, Keys, Slots). Keys that must be
// used together need a common hash tag, e.g. "{user:42}:tokens" and
// "{user:42}:log".
type CrossSlotError = rt.CrossSlotError

// PrefixError is returned, before anything is sent, for a call whose key
// prefix (a param declared `prefix: true`, from which the script builds
// keys) cannot prove that those keys live in the call's slot: the prefix has
// no complete, non-empty hash tag (Slot -1), or its tag's slot is not the
// call's (Want: that of Key, the call's first key, or of WantParam, its first
// key prefix). Checked where the slot check is on (always on a cluster
// client).
type PrefixError = rt.PrefixError

// ReplyError is a reply whose shape does not match the script's declared
// result type. The script ran; only decoding its reply failed.
type ReplyError = rt.ReplyError

// ArgumentError is an argument that could not be encoded; the call was not sent.
type ArgumentError = rt.ArgumentError

// BatchError is returned by Exec when some calls failed (Failed of Total;
// First is the first failed call's error, in queue order); each failed
// call's Future holds its own error.
type BatchError = rt.BatchError

// Hooks observe a runner's script calls and batches, for metrics and traces
// (package github.com/luagen/luagen/otel adapts them to OpenTelemetry).
// Each func may be nil; with none set, a runner does no extra work at all.
// Hooks run on the goroutine that made the call or ran Exec, after the call
// or batch ended and before it returns, so keep them short; they must be
// safe for concurrent use. Call sees every script call that was sent (not
// calls that failed before sending, nor plain commands), Batch every Exec
// that sent anything.
type Hooks = rt.Hooks

// CallInfo describes one script call for Hooks.Call.
type CallInfo = rt.CallInfo

// BatchInfo describes one Exec for Hooks.Batch.
type BatchInfo = rt.BatchInfo

// Outcome says how Redis answered a call: OutcomeOK, OutcomeErrorReply or
// OutcomeTransport.
type Outcome = rt.Outcome

const (
	// OutcomeOK: a reply that is not an error (a nil reply included).
	OutcomeOK = rt.OutcomeOK
	// OutcomeErrorReply: an error reply (see CallInfo.Code).
	OutcomeErrorReply = rt.OutcomeErrorReply
	// OutcomeTransport: no reply, because of a network error, a timeout or
	// the context's end. A write script may or may not have run.
	OutcomeTransport = rt.OutcomeTransport
)

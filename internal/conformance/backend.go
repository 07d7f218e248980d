// Package conformance is the behaviour both runtime backends (rueidis, in
// package runtime, and go-redis, in module github.com/luagen/luagen/goredis)
// must show, written once: RunSemantics (EVALSHA first, NOSCRIPT recovery
// with one SCRIPT LOAD per node, cross-slot calls refused before sending,
// EVALSHA_RO, retried not-run replies, file:line in script errors, no write
// sent twice over a dropped connection) and RunFault (continuous write load
// through a cluster's failures, every call's effect read back from Redis).
//
// Each backend's tests call them with a Backend, an adapter from its
// generated-code API (luagenimpl.Call, Add/NewFuture, Exec, Load) to the
// small interface below. Scripts are internal/rt's, shared by both
// backends, and so are the error types the suites assert on.
//
// It is an ordinary package rather than a _test one so that the go-redis
// module's tests can import it (Go's internal rule goes by import path);
// it starts Redis servers through internal/redistest and imports no client.
package conformance

import (
	"context"
	"testing"

	"github.com/luagen/luagen/internal/rt"
)

// Backend makes runners of one client library.
type Backend interface {
	// Name names the backend in logs: "rueidis", "go-redis".
	Name() string
	// Connect returns a runner on a new client for d (standalone address,
	// cluster seed addresses, or a sentinel with its master set name),
	// failing t if the client cannot be made. The suites close it.
	Connect(t testing.TB, d Deployment, o Options) Runner
	// ErrKind names a client-specific error for the fault suite's figures:
	// the code of a bare error reply ("MOVED", "CLUSTERDOWN"), or the
	// client's own sentinel errors ("closing"); "" when it does not know
	// err, which then gets a generic name (deadline, eof, conn-reset...).
	ErrKind(err error) string
}

// Kind is the kind of Redis deployment a client is made for.
type Kind int

const (
	Standalone Kind = iota
	Cluster
	Sentinel
)

func (k Kind) String() string {
	switch k {
	case Standalone:
		return "standalone"
	case Cluster:
		return "cluster"
	case Sentinel:
		return "sentinel"
	}
	return "unknown"
}

// Deployment is what a client is made for.
type Deployment struct {
	Kind  Kind
	Addrs []string // the server, the cluster's seeds, or the sentinels
	// MasterSet is the master's name at the sentinels (Kind Sentinel).
	MasterSet string
}

// Options are the runner's options.
type Options struct {
	Hooks rt.Hooks // the backend's WithHooks
}

// Decode selects the decoder of a call's reply.
type Decode uint8

const (
	Int64  Decode = iota // DecodeInt64: Result.Value is an int64
	String               // DecodeString: Result.Value is a string
	// Raw is DecodeRaw, converted to plain Go values: nil, int64, string,
	// []any (of those), so that suites compare both clients' raw replies.
	Raw
)

// Call is one script call of a batch.
type Call struct {
	Script     *rt.Script
	Keys, Args []string
	Decode     Decode
}

// Result is one call's outcome: what the generated method (or the future's
// Get) returned.
type Result struct {
	Value any // by Decode; nil when Err is set
	Err   error
}

// Int is Value as an int64 (0 if it is not one).
func (r Result) Int() int64 { n, _ := r.Value.(int64); return n }

// Runner is a backend's runner on one client, seen through the calls
// generated code makes.
type Runner interface {
	// Call is luagenimpl.Call: one script call.
	Call(ctx context.Context, s *rt.Script, keys, args []string, d Decode) Result
	// Batch queues calls on a new batch (luagenimpl.Add and NewFuture, in
	// order), runs Exec and returns each call's future's Get and Exec's error.
	Batch(ctx context.Context, calls []Call) ([]Result, error)
	// Load is Runner.Load.
	Load(ctx context.Context, scripts ...*rt.Script) error
	// Close closes the client.
	Close()
}

// connect is b.Connect, closed when t ends.
func connect(t testing.TB, b Backend, d Deployment, o Options) Runner {
	t.Helper()
	r := b.Connect(t, d, o)
	t.Cleanup(r.Close)
	return r
}

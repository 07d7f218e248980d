package goredis

import (
	"context"

	"github.com/redis/go-redis/v9"

	"github.com/luagen/luagen/goredis/internal/core"
	"github.com/luagen/luagen/internal/rt"
)

// The types below are defined over goredis/internal/core's, which implement
// them; package goredis/luagenimpl converts them back (for free) to reach
// what only generated code calls. Their methods here are thin wrappers.

// Option configures a Runner.
type Option func(*options)

type options struct {
	slotCheck    *bool
	hooks        core.Hooks
	autoPipeline bool
}

// WithSlotCheck turns the client-side cross-slot check on or off. It is on
// for cluster clients and off otherwise; turn it on for a standalone server
// to catch, in development, calls that would fail on a cluster.
func WithSlotCheck(on bool) Option {
	return func(o *options) { o.slotCheck = &on }
}

// WithAutoPipeline sends single calls through the client's autopipeliner
// (go-redis's AutoPipeline, the blocking face, configured by the client's
// AutoPipelineOptions, and shared with the client's other users of it):
// calls made at the same time from many goroutines then share pipelines,
// one round trip per node for all of them, instead of one each. Calls still
// block until their reply, and NOSCRIPT recovery, retries and routing are
// unchanged (a recovery's SCRIPT LOAD pipeline goes the usual way); batches
// are not affected. go-redis marks autopipelining experimental. Without an
// AutoPipeline method on the client, or when it fails (invalid
// AutoPipelineOptions), calls go the usual way.
func WithAutoPipeline(on bool) Option {
	return func(o *options) { o.autoPipeline = on }
}

// WithHooks installs hooks on a runner (see Hooks).
func WithHooks(h Hooks) Option {
	return func(o *options) { o.hooks = h }
}

// Runner runs scripts on one go-redis client. It is safe for concurrent use;
// share one per client (generated packages can share it with NewWithRunner).
type Runner core.Runner

// New returns a runner on client: a *redis.Client (standalone, or
// redis.NewFailoverClient for Sentinel), a *redis.ClusterClient
// (redis.NewClusterClient, redis.NewFailoverClusterClient), or a
// *redis.Ring, whose shards are treated as standalone servers.
func New(client redis.UniversalClient, opts ...Option) *Runner {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return (*Runner)(core.New(client, o.slotCheck, o.hooks, o.autoPipeline))
}

// Client returns the go-redis client the runner uses.
func (r *Runner) Client() redis.UniversalClient { return (*core.Runner)(r).Client() }

// Load loads scripts on every node the client knows, replicas included, so
// that first calls cost no NOSCRIPT round trip and read-only scripts can run
// on replicas (Redis 7 does not pass SCRIPT LOAD on to replicas). Use it at
// start-up (generated packages have Load and AllScripts); the runner loads
// scripts by itself when a node lacks them. The scripts of a Functions
// library (luagen.yaml `library:`) load as their library, once, by
// FUNCTION LOAD REPLACE on every master (replicas get it from theirs), on
// servers with Functions; see also Sync.
func (r *Runner) Load(ctx context.Context, scripts ...*Script) error {
	return (*core.Runner)(r).Load(ctx, scripts...)
}

// NewBatch starts an empty batch on r. Generated packages queue their calls
// on it with On(b); plain commands go in with Do.
func (r *Runner) NewBatch() *Batch { return (*Batch)((*core.Runner)(r).NewBatch()) }

// Script is one script of a generated package (see its AllScripts), for
// Runner.Load. Its methods: Name, the script's Go name ("TakeTokens"); File,
// its path relative to luagen.yaml ("scripts/take_tokens.lua"); SHA1, the
// hex SHA1 of its source, as EVALSHA names it; Library, the Functions
// library it is a function of, or nil. The rueidis backend
// (github.com/luagen/luagen/runtime) shares this type.
type Script = rt.Script

// Library is a Redis Functions library generated from a package's scripts
// (luagen.yaml `library: NAME`). Its scripts run by FCALL on servers with
// Functions (Redis 7.0 or later) and as scripts elsewhere. Its methods:
// Name, the library's name in Redis; Version, the hex SHA1 that identifies
// this build of the library (its version function, luagen_version_NAME,
// returns it); Source, the library's code, as FUNCTION LOAD gets it.
type Library = rt.Library

// LibraryVersion is the version of a library one node holds: see
// Runner.Versions and Runner.Sync.
type LibraryVersion = rt.LibraryVersion

// Versions lists, for every node the client knows (replicas included) and
// every library, the version of the library the node holds ("" for none).
// It fails on servers without Redis Functions.
func (r *Runner) Versions(ctx context.Context, libs ...*Library) ([]LibraryVersion, error) {
	return (*core.Runner)(r).Versions(ctx, libs...)
}

// Sync loads each library, by FUNCTION LOAD REPLACE, on every master that
// holds another version or none, and returns what each node held (Replaced
// marks where it loaded). Runner.Load replaces libraries unconditionally;
// the runner also loads a library by itself where a call finds it missing.
func (r *Runner) Sync(ctx context.Context, libs ...*Library) ([]LibraryVersion, error) {
	return (*core.Runner)(r).Sync(ctx, libs...)
}

// Batch is a pipeline of script calls and plain commands, sent by Exec in
// one go-redis pipeline: one round trip per node. Queue calls from one
// goroutine; a batch runs once.
type Batch core.Batch

// Len is the number of queued calls.
func (b *Batch) Len() int { return (*core.Batch)(b).Len() }

// KeepOrder makes Exec keep every node's queue order even when a node has
// lost the batch's scripts (a SCRIPT FLUSH, a restart, a failover to a
// replica that never loaded them): each script the batch calls on a node
// is loaded (SCRIPT LOAD) ahead of the node's calls in the same pipeline,
// so no call meets NOSCRIPT and runs after the rest of its batch. It costs
// one SCRIPT LOAD per script and node in every batch. While the server
// refuses SCRIPT LOAD, the first call of each script on each node goes by
// EVAL instead. Call it before Exec; it returns b.
func (b *Batch) KeepOrder() *Batch { (*core.Batch)(b).KeepOrder(); return b }

// Do adds a plain command, its args as go-redis's Client.Do takes them
// ("SET", key, value). Its future gives the reply's value as redis.Cmd.Val
// does, and a nil reply as the error redis.Nil.
func (b *Batch) Do(args ...any) Future[any] {
	return Future[any]((*core.Batch)(b).Do(args...))
}

// Exec sends every queued call and fills the futures. It returns nil when
// every call got a reply that is not an error, else a *BatchError (or
// ErrExecuted on a second Exec). A reply of the wrong shape for its declared
// type is reported by that future's Get.
func (b *Batch) Exec(ctx context.Context) error { return (*core.Batch)(b).Exec(ctx) }

// Future is the result of one queued call, ready once Exec returned.
type Future[T any] core.Future[T]

// Get returns the call's result or its error: ErrNotExecuted before Exec, a
// *CrossSlotError or *ArgumentError for a call that was never sent, a
// *ScriptError for an error reply, a *ReplyError for a reply of the wrong
// shape, or the network or context error.
func (f Future[T]) Get() (T, error) { return core.Future[T](f).Get() }

// Err returns the call's error, nil when it succeeded (see Get).
func (f Future[T]) Err() error { return core.Future[T](f).Err() }

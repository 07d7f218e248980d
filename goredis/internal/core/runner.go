package core

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/luagen/luagen/internal/rt"
)

// The types below are internal/rt's, shared with the rueidis backend.
type (
	Script    = rt.Script
	Library   = rt.Library
	Hooks     = rt.Hooks
	CallInfo  = rt.CallInfo
	BatchInfo = rt.BatchInfo
	Outcome   = rt.Outcome
)

// kind is the kind of go-redis client a runner drives.
type kind uint8

const (
	// kindNode: a *redis.Client, standalone or failover (Sentinel): one node
	// takes every command.
	kindNode kind = iota
	// kindCluster: a *redis.ClusterClient (NewClusterClient, or
	// NewFailoverClusterClient): commands are routed by slot, and
	// MasterForKey names the node of a key.
	kindCluster
	// kindOther: a *redis.Ring or another UniversalClient: the runner does
	// not know which node a command goes to, so it loads scripts on every
	// node rather than next to the call.
	kindOther
)

// Runner runs scripts on one go-redis client. It is safe for concurrent use.
type Runner struct {
	client redis.UniversalClient
	kind   kind
	cc     *redis.ClusterClient // the client, when kind is kindCluster
	// replicaReads: a cluster client that may send read-only commands to
	// replicas (ClusterOptions.ReadOnly). A read-only call's NOSCRIPT may
	// then come from a replica that MasterForKey does not name.
	replicaReads bool
	slotCheck    bool
	hooks        Hooks
	// ap is the client's autopipeliner (WithAutoPipeline), which single
	// calls go through; nil: they go by client.Process.
	ap *redis.AutoPipeliner

	// lastCalls and lastStrs are the sizes of the last batch run, to size
	// the next one.
	lastCalls, lastStrs atomic.Int64
	// pipes holds the client's pipelines between batches: a go-redis
	// Pipeline can run again once its Exec returned.
	pipes sync.Pool // of redis.Pipeliner
	fn    rt.Functions
	// keyPos maps command names to their first key's position (COMMAND),
	// to route the plain commands of a KeepOrder batch on a cluster.
	keyPos   atomic.Pointer[map[string]int8]
	keyPosMu sync.Mutex

	loads rt.Loads // scripts loaded, and SCRIPT LOAD refusals
}

// New returns a runner on client. The cross-slot check is on for cluster
// clients unless slotCheck says otherwise.
//
// With autoPipeline, single calls go through the client's autopipeliner
// (its AutoPipeline method, go-redis's blocking face, shared with the
// client's other users), when it has one and AutoPipeline succeeds.
func New(client redis.UniversalClient, slotCheck *bool, hooks Hooks, autoPipeline bool) *Runner {
	r := &Runner{
		client: client,
		hooks:  hooks,
	}
	switch c := client.(type) {
	case *redis.Client:
		r.kind = kindNode
	case *redis.ClusterClient:
		r.kind, r.cc = kindCluster, c
		r.replicaReads = c.Options().ReadOnly
		r.slotCheck = true
	default:
		r.kind = kindOther
	}
	if slotCheck != nil {
		r.slotCheck = *slotCheck
	}
	if c, ok := client.(interface {
		AutoPipeline() (*redis.AutoPipeliner, error)
	}); ok && autoPipeline {
		if ap, err := c.AutoPipeline(); err == nil {
			r.ap = ap
		}
	}
	return r
}

// Client returns the go-redis client the runner uses.
func (r *Runner) Client() redis.UniversalClient { return r.client }

// Load loads scripts on every node the client knows, replicas included.
// The scripts of a library load as their library, once, by FUNCTION LOAD
// REPLACE, on servers with Functions.
func (r *Runner) Load(ctx context.Context, scripts ...*Script) error {
	if len(scripts) == 0 {
		return nil
	}
	start := r.loads.Epoch()
	seen := make(map[*Script]bool, len(scripts))
	errs := make([]error, len(scripts))
	var wg sync.WaitGroup
	for i, s := range scripts {
		if s.Library() != nil && r.functions(ctx) {
			s = rt.LibraryUnit(s.Library())
		}
		if seen[s] {
			continue
		}
		seen[s] = true
		wg.Go(func() { errs[i] = r.ensureLoaded(ctx, s, start, true) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// ensureLoaded loads s on every node unless a load finished after epoch
// sent (then the NOSCRIPT reply predates it). Concurrent callers share one
// load. force skips the epoch test.
func (r *Runner) ensureLoaded(ctx context.Context, s *Script, sent uint64, force bool) error {
	return r.loads.Ensure(ctx, s, sent, force, func() error { return r.loadEverywhere(ctx, s) })
}

// forEachNode calls fn on every node the client knows, replicas included,
// in parallel, and joins the errors (each named by its node's address).
func (r *Runner) forEachNode(ctx context.Context, fn func(ctx context.Context, n *redis.Client) error) error {
	var mu sync.Mutex
	var errs []error
	each := func(ctx context.Context, n *redis.Client) error {
		if err := fn(ctx, n); err != nil {
			mu.Lock()
			errs = append(errs, fmt.Errorf("%s: %w", n.Options().Addr, err))
			mu.Unlock()
		}
		return nil
	}
	var err error
	switch c := r.client.(type) {
	case *redis.Client:
		err = each(ctx, c)
	case *redis.ClusterClient:
		err = c.ForEachShard(ctx, each)
	case *redis.Ring:
		err = c.ForEachShard(ctx, each)
	default:
		err = fn(ctx, nil)
	}
	if err != nil {
		errs = append(errs, err)
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errors.Join(errs...)
}

// loadEverywhere sends SCRIPT LOAD of s (FUNCTION LOAD REPLACE of a
// library's unit) to every node in parallel. Replicas refuse FUNCTION LOAD
// (READONLY) and get the library from their master, so that refusal is no
// error.
func (r *Runner) loadEverywhere(ctx context.Context, s *Script) error {
	if lib := rt.LibraryOf(s); lib != nil {
		err := r.forEachNode(ctx, func(ctx context.Context, n *redis.Client) error {
			return r.loadLibraryOn(ctx, lib, n)
		})
		if err != nil {
			return fmt.Errorf("luagen: loading library %s: %w", lib.Name(), err)
		}
		return nil
	}
	err := r.forEachNode(ctx, func(ctx context.Context, n *redis.Client) error {
		cmd := loadCmd(ctx, s)
		if n == nil { // an unknown UniversalClient: its own routing
			_ = r.client.Process(ctx, cmd)
		} else {
			_ = n.Process(ctx, cmd)
		}
		return r.loaded(s, cmd)
	})
	if err != nil {
		return fmt.Errorf("luagen: loading script %s: %w", s.Name(), err)
	}
	return nil
}

// loaded checks the reply to a SCRIPT LOAD of s (see rt.Loads.Checked).
func (r *Runner) loaded(s *Script, cmd *redis.Cmd) error {
	sha, _ := cmd.Val().(string)
	msg, isReply := replyMsg(cmd.Err())
	return r.loads.Checked(s, sha, cmd.Err(), msg, isReply)
}

// SetLoadRetry sets how long the runner goes by EVAL after a refused
// SCRIPT LOAD (tests).
func (r *Runner) SetLoadRetry(d time.Duration) { r.loads.Retry = d }

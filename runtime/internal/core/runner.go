package core

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/redis/rueidis"

	"github.com/luagen/luagen/internal/rt"
)

// Runner runs scripts on one rueidis client. It is safe for concurrent use.
type Runner struct {
	client    rueidis.Client
	cluster   bool // route keyless commands by slot in batches
	slotCheck bool
	hooks     Hooks

	// lastCalls and lastStrs are the sizes of the last batch run, to size
	// the next one.
	lastCalls, lastStrs atomic.Int64
	topo                topologyCache
	fn                  rt.Functions
	loads               rt.Loads // scripts loaded, and SCRIPT LOAD refusals
}

// New returns a runner on client: standalone, sentinel or cluster. The
// cross-slot check is on for cluster clients unless slotCheck says otherwise.
func New(client rueidis.Client, slotCheck *bool, hooks Hooks) *Runner {
	cluster := client.Mode() == rueidis.ClientModeCluster
	r := &Runner{
		client:    client,
		cluster:   cluster,
		slotCheck: cluster,
		hooks:     hooks,
	}
	if slotCheck != nil {
		r.slotCheck = *slotCheck
	}
	return r
}

// Client returns the rueidis client the runner uses.
func (r *Runner) Client() rueidis.Client { return r.client }

// Load loads scripts on every node the client knows, replicas included, so
// that first calls cost no NOSCRIPT round trip and read-only scripts can run
// on replicas (Redis 7 does not pass SCRIPT LOAD on to replicas). Use it at
// start-up; the runner loads scripts by itself when a node lacks them.
func (r *Runner) Load(ctx context.Context, scripts ...*Script) error {
	if len(scripts) == 0 {
		return nil
	}
	start := r.loads.Epoch()
	// A library's scripts load as their library, once.
	units := make([]*Script, 0, len(scripts))
	seen := make(map[*Script]bool, len(scripts))
	for _, s := range scripts {
		if s.Library() != nil && r.functions(ctx) {
			s = rt.LibraryUnit(s.Library())
		}
		if !seen[s] {
			seen[s] = true
			units = append(units, s)
		}
	}
	scripts = units
	errs := make([]error, len(scripts))
	var wg sync.WaitGroup
	for i, s := range scripts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = r.ensureLoaded(ctx, s, start, true)
		}()
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

// loadEverywhere sends SCRIPT LOAD to every node in parallel.
func (r *Runner) loadEverywhere(ctx context.Context, s *Script) error {
	nodes := r.client.Nodes()
	if rt.LibraryOf(s) != nil {
		return r.loadLibraryEverywhere(ctx, rt.LibraryOf(s), nodes)
	}
	addrs := make([]string, 0, len(nodes))
	for addr := range nodes {
		addrs = append(addrs, addr)
	}
	sort.Strings(addrs)
	errs := make([]error, len(addrs))
	var wg sync.WaitGroup
	for i, addr := range addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := nodes[addr]
			res := n.Do(ctx, n.B().ScriptLoad().Script(rt.Source(s)).Build())
			if err := r.loaded(s, res); err != nil {
				errs[i] = fmt.Errorf("luagen: loading script %s on %s: %w", s.Name(), addr, err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// loaded checks the reply to a SCRIPT LOAD of s (see rt.Loads.Checked).
func (r *Runner) loaded(s *Script, res rueidis.RedisResult) error {
	sha, err := res.ToString()
	if re, ok := rueidis.IsRedisErr(err); ok {
		return r.loads.Checked(s, sha, err, re.Error(), true)
	}
	return r.loads.Checked(s, sha, err, "", false)
}

// loadCommand is a SCRIPT LOAD of s routed like a command of slot (cluster
// clients; keylessSlot leaves it keyless, to go with keyless calls).
func (r *Runner) loadCommand(s *Script, slot uint16) rueidis.Completed {
	return r.loadCommandKeep(s, slot, false)
}

// loadCommandKeep is loadCommand; for a library with keep set it is FUNCTION
// LOAD without REPLACE, which Redis refuses ("Library 'NAME' already
// exists") before compiling anything when the node has the library: a
// KeepOrder batch sends it ahead of its calls on every node, and a REPLACE
// there would recompile, replicate and persist the library every batch.
func (r *Runner) loadCommandKeep(s *Script, slot uint16, keep bool) rueidis.Completed {
	var cmd rueidis.Completed
	switch {
	case rt.LibraryOf(s) != nil && keep:
		cmd = r.client.B().FunctionLoad().FunctionCode(rt.Source(s)).Build()
	case rt.LibraryOf(s) != nil:
		cmd = r.client.B().FunctionLoad().Replace().FunctionCode(rt.Source(s)).Build()
	default:
		cmd = r.client.B().ScriptLoad().Script(rt.Source(s)).Build()
	}
	if r.cluster && slot != keylessSlot {
		cmd = cmd.SetSlot(slotKey(slot))
	}
	return cmd
}

// isNoScript reports whether res is a NOSCRIPT reply.
func isNoScript(res rueidis.RedisResult) bool {
	if res.NonRedisError() != nil {
		return false
	}
	re, ok := rueidis.IsRedisErr(res.Error())
	return ok && re.IsNoScript()
}

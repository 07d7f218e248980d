package core

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/redis/rueidis"
)

// Runner runs scripts on one rueidis client. It is safe for concurrent use.
type Runner struct {
	client    rueidis.Client
	cluster   bool // route keyless commands by slot in batches
	slotCheck bool

	// epoch counts completed loads. A batch remembers the epoch it was sent
	// in; a script loaded after that (loadedAt > sent) need not be loaded
	// again for the batch's NOSCRIPT calls.
	epoch atomic.Uint64
	// loadRefused is set when the server refuses SCRIPT LOAD (an ACL
	// without it); NOSCRIPT calls then go straight to EVAL, which needs
	// no extra permission and caches the script on that node.
	loadRefused atomic.Bool
	// lastCalls and lastStrs are the sizes of the last batch run, to size
	// the next one.
	lastCalls, lastStrs atomic.Int64

	mu       sync.Mutex
	loadedAt map[*Script]uint64
	inflight map[*Script]*loadCall
}

type loadCall struct {
	done chan struct{}
	err  error
}

// New returns a runner on client: standalone, sentinel or cluster. The
// cross-slot check is on for cluster clients unless slotCheck says otherwise.
func New(client rueidis.Client, slotCheck *bool) *Runner {
	cluster := client.Mode() == rueidis.ClientModeCluster
	r := &Runner{
		client:    client,
		cluster:   cluster,
		slotCheck: cluster,
		loadedAt:  make(map[*Script]uint64),
		inflight:  make(map[*Script]*loadCall),
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
	start := r.epoch.Load()
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
	r.mu.Lock()
	if !force && r.loadedAt[s] > sent {
		r.mu.Unlock()
		return nil
	}
	if lc := r.inflight[s]; lc != nil {
		r.mu.Unlock()
		select {
		case <-lc.done:
			return lc.err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	lc := &loadCall{done: make(chan struct{})}
	r.inflight[s] = lc
	r.mu.Unlock()

	lc.err = r.loadEverywhere(ctx, s)

	r.mu.Lock()
	if lc.err == nil {
		r.loadedAt[s] = r.epoch.Add(1)
	}
	delete(r.inflight, s)
	r.mu.Unlock()
	close(lc.done)
	return lc.err
}

// loadEverywhere sends SCRIPT LOAD to every node in parallel.
func (r *Runner) loadEverywhere(ctx context.Context, s *Script) error {
	nodes := r.client.Nodes()
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
			sha, err := n.Do(ctx, n.B().ScriptLoad().Script(s.source).Build()).ToString()
			switch {
			case err != nil:
				if re, ok := rueidis.IsRedisErr(err); ok && re.Error() != "" && ErrorCode(re.Error()) == "NOPERM" {
					r.loadRefused.Store(true)
				}
				errs[i] = fmt.Errorf("luagen: loading script %s on %s: %w", s.name, addr, err)
			case sha != s.sha1:
				// The generator hashed a different text than the server did:
				// EVALSHA could never find it, so say so loudly.
				errs[i] = fmt.Errorf("luagen: script %s: %s computed SHA1 %s, generated code has %s; regenerate", s.name, addr, sha, s.sha1)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// isNoScript reports whether res is a NOSCRIPT reply.
func isNoScript(res rueidis.RedisResult) bool {
	if res.NonRedisError() != nil {
		return false
	}
	re, ok := rueidis.IsRedisErr(res.Error())
	return ok && re.IsNoScript()
}

package rt

import (
	"context"
	"sync"
	"sync/atomic"
)

// Loads is a runner's record of the scripts (and library units) it loaded
// on every node, shared by both backends. Its epoch counts completed loads:
// a call or batch remembers the epoch it was sent in (Epoch), and a script
// loaded after that need not be loaded again for its NOSCRIPT replies,
// which predate the load. Concurrent callers share one load per script.
// The zero value is ready to use.
type Loads struct {
	epoch    atomic.Uint64
	mu       sync.Mutex
	loadedAt map[*Script]uint64
	inflight map[*Script]*loadCall
}

type loadCall struct {
	done chan struct{}
	err  error
}

// Epoch is the number of loads completed so far.
func (l *Loads) Epoch() uint64 { return l.epoch.Load() }

// Ensure runs load (which loads s on every node) unless a load of s
// finished after epoch sent; force skips that test. A caller that finds a
// load of s running waits for it and shares its result.
func (l *Loads) Ensure(ctx context.Context, s *Script, sent uint64, force bool, load func() error) error {
	l.mu.Lock()
	if !force && l.loadedAt[s] > sent {
		l.mu.Unlock()
		return nil
	}
	if lc := l.inflight[s]; lc != nil {
		l.mu.Unlock()
		select {
		case <-lc.done:
			return lc.err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	lc := &loadCall{done: make(chan struct{})}
	if l.inflight == nil {
		l.inflight = make(map[*Script]*loadCall)
	}
	l.inflight[s] = lc
	l.mu.Unlock()

	lc.err = load()

	l.mu.Lock()
	if lc.err == nil {
		l.markLocked(s)
	}
	delete(l.inflight, s)
	l.mu.Unlock()
	close(lc.done)
	return lc.err
}

// Loaded records that each of ss was loaded everywhere by other means
// (Sync replacing libraries).
func (l *Loads) Loaded(ss ...*Script) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range ss {
		l.markLocked(s)
	}
}

func (l *Loads) markLocked(s *Script) {
	if l.loadedAt == nil {
		l.loadedAt = make(map[*Script]uint64)
	}
	l.loadedAt[s] = l.epoch.Add(1)
}

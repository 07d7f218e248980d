package rt

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
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

	// refusedAt is when the server last refused SCRIPT LOAD (UnixNano; 0:
	// never, or a load succeeded since): an ACL without script|load.
	refusedAt atomic.Int64
	// Retry is how long Refused holds after a refusal; 0 means LoadRetry.
	Retry time.Duration
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

// Refused reports whether the server refused SCRIPT LOAD less than Retry
// (LoadRetry) ago. NOSCRIPT calls then go straight to EVAL, which needs no
// extra permission; after that the runner tries loading again: ACLs
// change, and a script cached by EVAL is evicted first by Redis 8 and
// Valkey 8.
func (l *Loads) Refused() bool {
	at := l.refusedAt.Load()
	retry := l.Retry
	if retry == 0 {
		retry = LoadRetry
	}
	return at != 0 && time.Now().UnixNano()-at < int64(retry)
}

// Checked checks the reply to a SCRIPT LOAD of s (FUNCTION LOAD of a
// library's unit): sha is the reply's value, err its error, msg the error
// reply's text and isReply whether err is an error reply. It records a
// refusal (NOPERM), and clears it once a load succeeded.
func (l *Loads) Checked(s *Script, sha string, err error, msg string, isReply bool) error {
	if lib := LibraryOf(s); lib != nil {
		// FUNCTION LOAD answers the library's name; without REPLACE, a
		// node that has it says so.
		if isReply && strings.HasSuffix(msg, "' already exists") {
			return nil
		}
		if err == nil && sha == lib.Name() {
			sha = s.SHA1()
		}
	}
	switch {
	case err != nil:
		if isReply && ErrorCode(msg) == "NOPERM" {
			l.refusedAt.Store(time.Now().UnixNano())
		}
		return err
	case sha != s.SHA1():
		// The generator hashed a different text than the server did:
		// EVALSHA could never find it, so say so loudly.
		return fmt.Errorf("the server computed SHA1 %s, generated code has %s; regenerate", sha, s.SHA1())
	}
	if l.refusedAt.Load() != 0 {
		l.refusedAt.Store(0)
	}
	return nil
}

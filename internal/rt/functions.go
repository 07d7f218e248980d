package rt

import (
	"sync"
	"sync/atomic"
)

// Functions is a runner's finding of whether its server has Redis
// Functions: a library's scripts go by FCALL where it has, and as scripts
// (EVALSHA, with its NOSCRIPT recovery) where it has not (Redis 6,
// miniredis). It is decided once per runner, by the first call of a
// library's script. The zero value is undecided.
type Functions struct {
	state atomic.Int32 // fnUnknown, fnYes, fnNo
	mu    sync.Mutex
}

const (
	fnUnknown int32 = iota
	fnYes
	fnNo
)

// Unknown reports whether it is not decided yet.
func (f *Functions) Unknown() bool { return f.state.Load() == fnUnknown }

// Has reports whether it was decided that the server has Functions.
func (f *Functions) Has() bool { return f.state.Load() == fnYes }

// SetNone decides that the server has no Functions: a node answered FCALL
// with "unknown command" (a mixed-version cluster).
func (f *Functions) SetNone() { f.state.Store(fnNo) }

// SetHas decides that the server has Functions (tests).
func (f *Functions) SetHas() { f.state.Store(fnYes) }

// Decide returns whether the server has Functions, asking it first when
// that is not decided yet: stats sends FUNCTION STATS and returns its
// error, the error reply's text and whether the error is a reply. A
// transport error decides nothing and answers false: the call goes as a
// script, which every server runs. Concurrent callers ask once.
func (f *Functions) Decide(stats func() (err error, msg string, isReply bool)) bool {
	switch f.state.Load() {
	case fnYes:
		return true
	case fnNo:
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if st := f.state.Load(); st != fnUnknown {
		return st == fnYes
	}
	err, msg, isReply := stats()
	switch {
	case err == nil:
		f.state.Store(fnYes)
	case isReply && IsUnknownCommand(msg):
		f.state.Store(fnNo)
	case isReply: // NOPERM, BUSY...: the command exists
		f.state.Store(fnYes)
	default:
		return false
	}
	return f.state.Load() == fnYes
}

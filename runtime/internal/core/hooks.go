package core

import (
	"context"
	"time"

	"github.com/redis/rueidis"
)

// Hooks are the observers package runtime's WithHooks installs. A nil func
// costs a nil check: nothing is timed or built for it.
type Hooks struct {
	Call  func(context.Context, CallInfo)
	Batch func(context.Context, BatchInfo)
}

// CallInfo is what a Call hook sees of one script call that was sent.
type CallInfo struct {
	Script   *Script
	Batched  bool
	Start    time.Time
	Duration time.Duration
	Outcome  Outcome
	Code     string // error code of an error reply
	Err      error
	NoScript int // NOSCRIPT replies recovered
	Retries  int // sent again after a reply meaning it did not run
}

// BatchInfo is what a Batch hook sees of one Exec.
type BatchInfo struct {
	Size     int
	Nodes    int
	Rounds   int
	Failed   int
	Start    time.Time
	Duration time.Duration
}

// Outcome is how a call ended.
type Outcome uint8

const (
	OutcomeOK         Outcome = iota // a reply that is not an error (nil included)
	OutcomeErrorReply                // an error reply
	OutcomeTransport                 // no reply: a network error, a timeout or the context's end
)

// outcome classifies a final reply for the hooks; err is what the caller
// sees for it (an Errors.Script for an error reply).
func outcome(s *Script, res *rueidis.RedisResult) (o Outcome, code string, err error) {
	e := res.Error()
	if e == nil || rueidis.IsRedisNil(e) {
		return OutcomeOK, "", nil
	}
	if re, ok := rueidis.IsRedisErr(e); ok {
		return OutcomeErrorReply, ErrorCode(re.Error()), Errors.Script(s, re)
	}
	return OutcomeTransport, "", e
}

package core

import (
	"github.com/redis/rueidis"

	"github.com/luagen/luagen/internal/rt"
)

// Hooks, CallInfo, BatchInfo and Outcome are internal/rt's, shared with the
// go-redis backend. A nil func costs a nil check: nothing is timed or built
// for it.
type (
	Hooks     = rt.Hooks
	CallInfo  = rt.CallInfo
	BatchInfo = rt.BatchInfo
	Outcome   = rt.Outcome
)

const (
	OutcomeOK         = rt.OutcomeOK
	OutcomeErrorReply = rt.OutcomeErrorReply
	OutcomeTransport  = rt.OutcomeTransport
)

// outcome classifies a final reply for the hooks; err is what the caller
// sees for it (a *rt.ScriptError for an error reply).
func outcome(s *Script, res *rueidis.RedisResult) (o Outcome, code string, err error) {
	e := res.Error()
	if e == nil || rueidis.IsRedisNil(e) {
		return OutcomeOK, "", nil
	}
	if re, ok := rueidis.IsRedisErr(e); ok {
		return OutcomeErrorReply, rt.ErrorCode(re.Error()), scriptError(s, re)
	}
	return OutcomeTransport, "", e
}

package core

import (
	"context"

	"github.com/redis/rueidis"
)

// Call runs one script call: EVALSHA, and on NOSCRIPT the same call once by
// EVAL; replies that say the call did not run (see notRun) are retried after
// a pause. keys and args are not retained. A reply that does not fit decode
// is an Errors.Reply; an error reply is an Errors.Script; keys in different
// cluster slots are an Errors.CrossSlot and nothing is sent.
func Call[T any](ctx context.Context, r *Runner, s *Script, keys, args []string, decode func(rueidis.RedisMessage) (T, error)) (T, error) {
	// The builder takes keys then args as one list (see command); most
	// calls fit in this array on the stack.
	var kaBuf [8]string
	ka := append(append(kaBuf[:0], keys...), args...)
	cmd, err := r.firstCommand(s, ka, len(keys))
	if err != nil {
		var zero T
		return zero, err
	}
	useEval, retries := false, 0
	for {
		res := r.client.Do(ctx, cmd)
		switch {
		case !useEval && isNoScript(res):
			useEval = true // did not run; EVAL also caches the script there
		case notRun(res) && retries < maxRetries && backoff(ctx, retries):
			retries++
		default:
			return result(s, &res, decode)
		}
		cmd = r.command(s, ka, len(keys), useEval) // rueidis recycled the last one
	}
}

// result turns a reply into the call's value or error.
func result[T any](s *Script, res *rueidis.RedisResult, decode func(rueidis.RedisMessage) (T, error)) (T, error) {
	var zero T
	if err := replyErr(s, res); err != nil {
		return zero, err
	}
	msg, _ := res.ToMessage() // a nil reply comes with rueidis.Nil: decoded
	v, err := decode(msg)
	if err != nil {
		return zero, Errors.Reply(s, err)
	}
	return v, nil
}

// firstCommand builds a call's first EVALSHA from ka, its nkeys keys then
// its args, and, when the runner checks slots, returns an Errors.CrossSlot
// instead if the keys are in different slots. The builder hashed the first
// key for routing; the others are hashed here, so that every key is hashed
// once, as in a hand-built command.
func (r *Runner) firstCommand(s *Script, ka []string, nkeys int) (rueidis.Completed, error) {
	cmd := r.command(s, ka, nkeys, false)
	if r.slotCheck && nkeys > 1 {
		first := cmd.Slot() & slotMask // a standalone builder also sets NoSlot
		for _, k := range ka[1:nkeys] {
			if Slot(k) != first {
				return rueidis.Completed{}, crossSlotError(s, ka[:nkeys])
			}
		}
	}
	return cmd, nil
}

// command builds a call's EVALSHA, or EVAL when eval is set (the _RO forms
// for read-only scripts), from ka: its nkeys keys, then its args. Only the
// first key goes through the builder's Key, which hashes keys for routing
// (and panics on a cluster client when they differ); the rest follow as
// plain arguments: Redis receives the same bytes, and firstCommand checked
// them.
func (r *Runner) command(s *Script, ka []string, nkeys int, eval bool) rueidis.Completed {
	b := r.client.B()
	n := int64(nkeys)
	first, rest := ka[:min(nkeys, 1)], ka[min(nkeys, 1):]
	switch {
	case eval && s.readOnly:
		return b.EvalRo().Script(s.source).Numkeys(n).Key(first...).Arg(rest...).Build()
	case eval:
		return b.Eval().Script(s.source).Numkeys(n).Key(first...).Arg(rest...).Build()
	case s.readOnly:
		return b.EvalshaRo().Sha1(s.sha1).Numkeys(n).Key(first...).Arg(rest...).Build()
	default:
		return b.Evalsha().Sha1(s.sha1).Numkeys(n).Key(first...).Arg(rest...).Build()
	}
}

// keylessSlot is the slot rueidis's cluster builder gives commands without
// keys (its internal InitSlot); such commands need SetSlot before they can
// share a cluster DoMulti with keyed ones.
const keylessSlot = 1 << 14

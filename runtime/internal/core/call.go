package core

import (
	"context"
	"strings"

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
// instead if the keys are in different slots, or an Errors.Prefix if a key
// prefix's hash tag does not put the keys built from it in the call's slot.
// The builder hashed the first key for routing; the others are hashed here,
// so that every key is hashed once, as in a hand-built command.
func (r *Runner) firstCommand(s *Script, ka []string, nkeys int) (rueidis.Completed, error) {
	cmd := r.command(s, ka, nkeys, false)
	if !r.slotCheck {
		return cmd, nil
	}
	first := cmd.Slot() & slotMask // a standalone builder also sets NoSlot
	// Prefixes first: for a key that is also a prefix, the error that names
	// the param is the more useful one.
	if len(s.prefixes) > 0 {
		if err := checkPrefixes(s, ka, nkeys, int(first)); err != nil {
			return rueidis.Completed{}, err
		}
	}
	if nkeys > 1 {
		for _, k := range ka[1:nkeys] {
			if Slot(k) != first {
				return rueidis.Completed{}, crossSlotError(s, ka[:nkeys])
			}
		}
	}
	return cmd, nil
}

// checkPrefixes proves that every key prefix of the call has a complete,
// non-empty hash tag in the slot of the call's keys (keySlot, when it has
// keys) or, without keys, in the slot of its first prefix.
func checkPrefixes(s *Script, ka []string, nkeys, keySlot int) error {
	want, key, param := -1, "", ""
	if nkeys > 0 {
		want, key = keySlot, ka[0]
	}
	for _, p := range s.prefixes {
		v := ka[p.at(nkeys)]
		if !hasHashTag(v) {
			return Errors.Prefix(s, p.Param, v, -1, want, key, param)
		}
		slot := int(Slot(v))
		switch {
		case want < 0:
			want, param = slot, p.Param
		case slot != want:
			return Errors.Prefix(s, p.Param, v, slot, want, key, param)
		}
	}
	return nil
}

// hasHashTag reports whether key has a complete, non-empty hash tag: a '{'
// followed later by a '}' with something between the first two.
func hasHashTag(key string) bool {
	start := strings.IndexByte(key, '{')
	return start >= 0 && strings.IndexByte(key[start+1:], '}') > 0
}

// command builds a call's EVALSHA, or EVAL when eval is set (the _RO forms
// for read-only scripts), from ka: its nkeys keys, then its args. Only the
// first key goes through the builder's Key, which hashes keys for routing
// (and panics on a cluster client when they differ); the rest follow as
// plain arguments: Redis receives the same bytes, and firstCommand checked
// them.
//
// A call without keys but with a key prefix goes, on a cluster, to the node
// of the prefix's slot: the keys the script builds from it live there.
func (r *Runner) command(s *Script, ka []string, nkeys int, eval bool) rueidis.Completed {
	b := r.client.B()
	n := int64(nkeys)
	first, rest := ka[:min(nkeys, 1)], ka[min(nkeys, 1):]
	var cmd rueidis.Completed
	switch {
	case eval && s.readOnly:
		cmd = b.EvalRo().Script(s.source).Numkeys(n).Key(first...).Arg(rest...).Build()
	case eval:
		cmd = b.Eval().Script(s.source).Numkeys(n).Key(first...).Arg(rest...).Build()
	case s.readOnly:
		cmd = b.EvalshaRo().Sha1(s.sha1).Numkeys(n).Key(first...).Arg(rest...).Build()
	default:
		cmd = b.Evalsha().Sha1(s.sha1).Numkeys(n).Key(first...).Arg(rest...).Build()
	}
	if nkeys == 0 && len(s.prefixes) > 0 && r.cluster {
		cmd = cmd.SetSlot(ka[s.prefixes[0].at(0)])
	}
	return cmd
}

// keylessSlot is the slot rueidis's cluster builder gives commands without
// keys (its internal InitSlot); such commands need SetSlot before they can
// share a cluster DoMulti with keyed ones.
const keylessSlot = 1 << 14

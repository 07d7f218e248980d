package runtime

import (
	"context"

	"github.com/redis/rueidis"
)

// Call runs one script call: EVALSHA, and on NOSCRIPT the same call once by
// EVAL; replies that say the call did not run (TRYAGAIN, CLUSTERDOWN,
// LOADING) are retried after a pause. keys and args are not retained. A reply that does not fit decode is
// a *ReplyError; an error reply is a *ScriptError; keys in different cluster
// slots are a *CrossSlotError and nothing is sent.
func Call[T any](ctx context.Context, r *Runner, s *Script, keys, args []string, decode Decoder[T]) (T, error) {
	if r.slotCheck {
		if err := checkSlots(s, keys); err != nil {
			var zero T
			return zero, err
		}
	}
	useEval := false
	var res rueidis.RedisResult
	for attempt := 0; ; attempt++ {
		if useEval {
			res = r.client.Do(ctx, r.eval(s, keys, args))
		} else {
			res = r.client.Do(ctx, r.evalsha(s, keys, args))
		}
		switch {
		case !useEval && isNoScript(res):
			useEval = true // did not run; EVAL also caches the script there
		case notRun(res) && attempt < maxRetries && backoff(ctx, attempt):
		default:
			return result(s, res, decode)
		}
	}
}

// result turns a reply into the call's value or error.
func result[T any](s *Script, res rueidis.RedisResult, decode Decoder[T]) (T, error) {
	var zero T
	if err := res.NonRedisError(); err != nil {
		return zero, err
	}
	msg, err := res.ToMessage()
	if err != nil && !rueidis.IsRedisNil(err) {
		if re, ok := rueidis.IsRedisErr(err); ok {
			return zero, newScriptError(s, re)
		}
		return zero, err
	}
	v, err := decode(msg)
	if err != nil {
		return zero, &ReplyError{Script: s.name, Err: err}
	}
	return v, nil
}

func (r *Runner) evalsha(s *Script, keys, args []string) rueidis.Completed {
	b := r.client.B()
	n := int64(len(keys))
	if s.readOnly {
		return b.EvalshaRo().Sha1(s.sha1).Numkeys(n).Key(keys...).Arg(args...).Build()
	}
	return b.Evalsha().Sha1(s.sha1).Numkeys(n).Key(keys...).Arg(args...).Build()
}

func (r *Runner) eval(s *Script, keys, args []string) rueidis.Completed {
	b := r.client.B()
	n := int64(len(keys))
	if s.readOnly {
		return b.EvalRo().Script(s.source).Numkeys(n).Key(keys...).Arg(args...).Build()
	}
	return b.Eval().Script(s.source).Numkeys(n).Key(keys...).Arg(args...).Build()
}

// keylessSlot is the slot rueidis's cluster builder gives commands without
// keys (its internal InitSlot); such commands need SetSlot before they can
// share a cluster DoMulti with keyed ones.
const keylessSlot = 1 << 14

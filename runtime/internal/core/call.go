package core

import (
	"context"
	"time"

	"github.com/redis/rueidis"

	"github.com/luagen/luagen/internal/rt"
)

// Call runs one script call: EVALSHA, and on NOSCRIPT the same call again
// behind a SCRIPT LOAD in one pipeline (see resend); replies that say the
// call did not run (see notRun) are retried after a pause. keys and args
// are not retained. A reply that does not fit decode is an Errors.Reply; an
// error reply is an Errors.Script; keys in different cluster slots are an
// Errors.CrossSlot and nothing is sent.
func Call[T any](ctx context.Context, r *Runner, s *Script, keys, args []string, decode func(rueidis.RedisMessage) (T, error)) (T, error) {
	// The builder takes keys then args as one list (see command); most
	// calls fit in this array on the stack.
	var kaBuf [8]string
	ka := append(append(kaBuf[:0], keys...), args...)
	if s.Library() != nil && r.fn.Unknown() {
		r.functions(ctx)
	}
	cmd, err := r.firstCommand(s, ka, len(keys))
	if err != nil {
		var zero T
		return zero, err
	}
	var start time.Time
	if r.hooks.Call != nil {
		start = time.Now()
	}
	useEval, withLoad := false, false
	var noscripts, retries uint8
	for {
		sent := r.loads.Epoch()
		var res rueidis.RedisResult
		if withLoad {
			res = r.doWithLoad(ctx, s, cmd)
		} else {
			res = r.client.Do(ctx, cmd)
		}
		ok := res.Error() == nil // most replies: no error to look into
		switch {
		case !ok && !useEval && r.isMissing(s, res): // did not run
			noscripts++
			switch rt.ResendAfter(noscripts, true, r.loads.Refused()) {
			case rt.ResendWithLoad:
				withLoad = true
			case rt.ResendAfterLoadAll:
				withLoad = false
				useEval = r.ensureLoaded(ctx, r.unit(s), sent, false) != nil
			default:
				withLoad, useEval = false, true
			}
		case !ok && notRun(res) && int(retries) < retryCap(&res) && backoff(ctx, int(retries)):
			retries++
		default:
			if r.hooks.Call != nil {
				r.callHook(ctx, s, false, start, time.Since(start), &res, noscripts, retries)
			}
			return result(s, &res, decode)
		}
		cmd = r.command(s, ka, len(keys), useEval) // rueidis recycled the last one
	}
}

// doWithLoad sends SCRIPT LOAD of s and cmd, a call of s, in one pipeline
// to the node cmd goes to (both keyless go to one node too).
func (r *Runner) doWithLoad(ctx context.Context, s *Script, cmd rueidis.Completed) rueidis.RedisResult {
	u := r.unit(s)
	res := r.client.DoMulti(ctx, r.loadCommand(u, cmd.Slot()), cmd)
	r.loaded(u, res[0]) // a failed load shows as NOSCRIPT on the call
	return res[1]
}

// callHook reports a call's end to the Call hook.
func (r *Runner) callHook(ctx context.Context, s *Script, batched bool, start time.Time, d time.Duration, res *rueidis.RedisResult, noscripts, retries uint8) {
	o, code, err := outcome(s, res)
	r.hooks.Call(ctx, CallInfo{
		Script: s, Batched: batched, Start: start, Duration: d,
		Outcome: o, Code: code, Err: err, NoScript: int(noscripts), Retries: int(retries),
	})
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
		return zero, &rt.ReplyError{Script: s.Name(), Err: err}
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
	// A standalone builder also sets NoSlot.
	if err := rt.CheckSlots(s, ka, nkeys, cmd.Slot()&slotMask); err != nil {
		return rueidis.Completed{}, err
	}
	return cmd, nil
}

// command builds a call's EVALSHA (FCALL for a library's script on a
// server with Functions), or EVAL when eval is set (the _RO forms for
// read-only scripts), from ka: its nkeys keys, then its args. Only the
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
	case !eval && r.fcall(s) && rt.ReadOnly(s):
		cmd = b.FcallRo().Function(rt.Function(s)).Numkeys(n).Key(first...).Arg(rest...).Build()
	case !eval && r.fcall(s):
		cmd = b.Fcall().Function(rt.Function(s)).Numkeys(n).Key(first...).Arg(rest...).Build()
	case eval && rt.ReadOnly(s):
		cmd = b.EvalRo().Script(rt.Source(s)).Numkeys(n).Key(first...).Arg(rest...).Build()
	case eval:
		cmd = b.Eval().Script(rt.Source(s)).Numkeys(n).Key(first...).Arg(rest...).Build()
	case rt.ReadOnly(s):
		cmd = b.EvalshaRo().Sha1(s.SHA1()).Numkeys(n).Key(first...).Arg(rest...).Build()
	default:
		cmd = b.Evalsha().Sha1(s.SHA1()).Numkeys(n).Key(first...).Arg(rest...).Build()
	}
	if nkeys == 0 && len(rt.Prefixes(s)) > 0 && r.cluster {
		cmd = cmd.SetSlot(ka[rt.Prefixes(s)[0].At(0)])
	}
	return cmd
}

// keylessSlot is the slot rueidis's cluster builder gives commands without
// keys (its internal InitSlot); such commands need SetSlot before they can
// share a cluster DoMulti with keyed ones.
const keylessSlot = 1 << 14

package core

import (
	"context"
	"strings"
	"time"

	"github.com/redis/rueidis"
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
	if s.lib != nil && r.fn.Load() == fnUnknown {
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
		sent := r.epoch.Load()
		var res rueidis.RedisResult
		if withLoad {
			res = r.doWithLoad(ctx, s, cmd)
		} else {
			res = r.client.Do(ctx, cmd)
		}
		switch {
		case !useEval && r.isMissing(s, res): // did not run
			noscripts++
			switch r.resendAfter(noscripts, true) {
			case resendWithLoad:
				withLoad = true
			case resendAfterLoadAll:
				withLoad = false
				useEval = r.ensureLoaded(ctx, r.unit(s), sent, false) != nil
			default:
				withLoad, useEval = false, true
			}
		case notRun(res) && int(retries) < retryCap(&res) && backoff(ctx, int(retries)):
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
	case !eval && r.fcall(s) && s.readOnly:
		cmd = b.FcallRo().Function(s.fn).Numkeys(n).Key(first...).Arg(rest...).Build()
	case !eval && r.fcall(s):
		cmd = b.Fcall().Function(s.fn).Numkeys(n).Key(first...).Arg(rest...).Build()
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

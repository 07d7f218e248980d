package core

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/luagen/luagen/internal/rt"
)

// Call runs one script call: EVALSHA, and on NOSCRIPT the same call again
// behind a SCRIPT LOAD in one pipeline to its node (see rt.ResendAfter);
// replies that say the call did not run are retried after a pause. keys and
// args are not retained. A reply that does not fit decode is a
// *rt.ReplyError; an error reply is a *rt.ScriptError; keys in different
// cluster slots are a *rt.CrossSlotError and nothing is sent.
func Call[T any](ctx context.Context, r *Runner, s *Script, keys, args []string, decode func(any) (T, error)) (T, error) {
	var zero T
	// The command points into ka, its own copy of keys then args; cargs
	// is where the command's arguments go, again on every resend (go-redis
	// is done with a command once Process returned).
	var ka []string
	var cargs []any
	switch n := len(keys) + len(args); {
	case n <= 2:
		sc := new(smallCall[[5]any, [2]string])
		ka, cargs = sc.ka[:n], sc.args[:3+n]
	case n <= 4:
		sc := new(smallCall[[7]any, [4]string])
		ka, cargs = sc.ka[:n], sc.args[:3+n]
	default:
		ka, cargs = make([]string, n), make([]any, 3+n)
	}
	copy(ka[copy(ka, keys):], args)
	nkeys := len(keys)
	if r.slotCheck {
		var first uint16
		if nkeys > 0 {
			first = rt.Slot(ka[0])
		}
		if err := rt.CheckSlots(s, ka, nkeys, first); err != nil {
			return zero, err
		}
	}
	if s.Library() != nil && r.fn.Unknown() {
		r.functions(ctx)
	}
	var start time.Time
	if r.hooks.Call != nil {
		start = time.Now()
	}
	useEval, withLoad := false, false
	var noscripts, retries uint8
	for {
		sent := r.loads.Epoch()
		cmd := r.command(ctx, s, ka, nkeys, useEval, cargs)
		if withLoad {
			r.doWithLoad(ctx, s, cmd, ka, nkeys)
		} else if r.ap != nil {
			_ = r.ap.Process(ctx, cmd)
		} else {
			_ = r.client.Process(ctx, cmd)
		}
		err := cmd.Err()
		kind, msg := classify(err)
		r.refresh(ctx, kind, msg)
		switch {
		case !useEval && r.isMissing(s, kind, msg): // did not run; EVAL cannot miss
			noscripts++
			switch rt.ResendAfter(noscripts, r.pipelined(s, ka, nkeys), r.loads.Refused()) {
			case rt.ResendWithLoad:
				withLoad = true
			case rt.ResendAfterLoadAll:
				withLoad = false
				useEval = r.ensureLoaded(ctx, r.unit(s), sent, false) != nil
			default:
				withLoad, useEval = false, true
			}
			continue
		case kind == replyRedirect:
			// The node of the pipeline with a load no longer serves the
			// slot: load everywhere and send the call the usual way.
			withLoad = false
			useEval = r.ensureLoaded(ctx, r.unit(s), sent, false) != nil
			continue
		case kind == replyNotRun && int(retries) < rt.RetryCap(msg) && rt.Backoff(ctx, int(retries)):
			retries++
			continue
		}
		if r.hooks.Call != nil {
			r.callHook(ctx, s, false, start, time.Since(start), err, noscripts, retries)
		}
		return result(s, cmd.Cmd, decode)
	}
}

// smallCall is a single call's command arguments (A, an array of 3+n
// any) and its n keys and args (K, an array of n strings) in one
// allocation.
type smallCall[A [5]any | [7]any, K [2]string | [4]string] struct {
	args A
	ka   K
}

// pipelined reports whether a NOSCRIPT call of s can be sent again behind
// a SCRIPT LOAD in one pipeline to the node that answered: always on a
// single-node client; on a cluster when the call has a key (or key prefix)
// to name its master by, and unless a read-only call may have gone to a
// replica. Otherwise the script is loaded everywhere first.
func (r *Runner) pipelined(s *Script, ka []string, nkeys int) bool {
	switch r.kind {
	case kindNode:
		return true
	case kindCluster:
		if r.replicaReads && rt.ReadOnly(s) {
			return false
		}
		_, ok := routingKey(s, ka, nkeys)
		return ok
	}
	return false
}

// doWithLoad sends SCRIPT LOAD of s (FUNCTION LOAD REPLACE of its
// library when it goes by FCALL) and cmd, a call of s with ka, in one
// pipeline to the node cmd goes to. On a cluster that is the master
// MasterForKey names; if it answers MOVED or ASK, the call did not run.
func (r *Runner) doWithLoad(ctx context.Context, s *Script, cmd scriptCmd, ka []string, nkeys int) {
	var pipe redis.Pipeliner
	if r.kind == kindCluster {
		key, _ := routingKey(s, ka, nkeys)
		node, err := r.cc.MasterForKey(ctx, key)
		if err != nil {
			cmd.SetErr(err)
			return
		}
		pipe = node.Pipeline()
	} else {
		pipe = r.client.Pipeline()
	}
	u := r.unit(s)
	load := unitLoadCmd(ctx, u, false)
	_ = pipe.Process(ctx, scriptCmd{load})
	_ = pipe.Process(ctx, cmd)
	_, _ = pipe.Exec(ctx)
	r.loaded(u, load) // a failed load shows as NOSCRIPT on the call
}

// callHook reports a call's end to the Call hook.
func (r *Runner) callHook(ctx context.Context, s *Script, batched bool, start time.Time, d time.Duration, cmdErr error, noscripts, retries uint8) {
	o, code, err := outcome(s, cmdErr)
	r.hooks.Call(ctx, CallInfo{
		Script: s, Batched: batched, Start: start, Duration: d,
		Outcome: o, Code: code, Err: err, NoScript: int(noscripts), Retries: int(retries),
	})
}

// result turns a call's command into the call's value or error.
func result[T any](s *Script, cmd *redis.Cmd, decode func(any) (T, error)) (T, error) {
	var zero T
	err := cmd.Err()
	if err := scriptError(s, err); err != nil {
		return zero, err
	}
	v, err := decode(cmd.Val()) // a nil reply (redis.Nil) decodes nil
	if err != nil {
		return zero, &rt.ReplyError{Script: s.Name(), Err: err}
	}
	return v, nil
}

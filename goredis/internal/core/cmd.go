package core

import (
	"context"
	"errors"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/luagen/luagen/internal/rt"
)

// scriptCmd is the command of a script call (and of a SCRIPT LOAD): a
// redis.Cmd that go-redis never sends again by itself. go-redis retries a
// command after a network error, a timeout or a LOADING, READONLY,
// TRYAGAIN, CLUSTERDOWN... reply (MaxRetries, and a cluster pipeline's
// MaxRedirects) unless the command says NoRetry, and it does not retry a
// pipeline that holds such a command (cmdsContainNoRetry). A script call
// may have run after a network error, so only the runner retries, and only
// after replies that prove the call did not run. Redirections (MOVED, ASK)
// are still followed: they come before anything ran.
//
// It is a single pointer, so storing it in a redis.Cmder allocates nothing.
type scriptCmd struct{ *redis.Cmd }

// NoRetry tells go-redis not to send the command again.
func (scriptCmd) NoRetry() bool { return true }

// Command names, lower case as go-redis names commands.
const (
	cmdEvalsha   = "evalsha"
	cmdEvalshaRO = "evalsha_ro"
	cmdEval      = "eval"
	cmdEvalRO    = "eval_ro"
	cmdFcall     = "fcall"
	cmdFcallRO   = "fcall_ro"
)

// command builds a call of s (EVALSHA, or EVAL when eval is set; the _RO
// forms for read-only scripts) from ka, its nkeys keys then its args, which
// the command points into: ka must not change until the command was sent.
// cluster says that the command is routed by slot: a call without keys
// but with a key prefix goes to the node of the prefix's slot, where the
// keys the script builds from it live.
//
// A library's script goes by FCALL (FCALL_RO) when the runner found that
// the server has Functions, unless eval is set: EVAL of the script's own
// source runs the same everywhere.
//
// args, when not nil, is where the command's arguments go (3+len(ka) of
// them): a batch slices every call's from one allocation.
func (r *Runner) command(ctx context.Context, s *Script, ka []string, nkeys int, eval bool, args []any) scriptCmd {
	cluster := r.kind == kindCluster
	if args == nil {
		args = make([]any, 3+len(ka))
	}
	sha1, source, function := rt.Refs(s) // pointers: boxing a string would allocate
	switch {
	case !eval && r.fcall(s) && rt.ReadOnly(s):
		args[0], args[1] = cmdFcallRO, function
	case !eval && r.fcall(s):
		args[0], args[1] = cmdFcall, function
	case eval && rt.ReadOnly(s):
		args[0], args[1] = cmdEvalRO, source
	case eval:
		args[0], args[1] = cmdEval, source
	case rt.ReadOnly(s):
		args[0], args[1] = cmdEvalshaRO, sha1
	default:
		args[0], args[1] = cmdEvalsha, sha1
	}
	args[2] = nkeys // an int below 256 boxes without allocating; a string would not
	for i := range ka {
		args[3+i] = &ka[i] // a pointer: boxing each string would allocate
	}
	cmd := redis.NewCmd(ctx, args...)
	switch {
	case nkeys > 0:
		cmd.SetFirstKeyPos(3)
	case cluster && len(rt.Prefixes(s)) > 0:
		if at := 3 + rt.Prefixes(s)[0].At(0); at < 128 {
			cmd.SetFirstKeyPos(int8(at))
		}
	}
	return scriptCmd{cmd}
}

// routingKey is the key a call of s with ka (nkeys keys, then args) is
// routed by on a cluster: its first key, or its first key prefix; ok is
// false for a call with neither.
func routingKey(s *Script, ka []string, nkeys int) (string, bool) {
	if nkeys > 0 {
		return ka[0], true
	}
	if p := rt.Prefixes(s); len(p) > 0 {
		return ka[p[0].At(0)], true
	}
	return "", false
}

// loadCmd is a SCRIPT LOAD of s (a script, not a library's unit).
func loadCmd(ctx context.Context, s *Script) *redis.Cmd {
	return redis.NewCmd(ctx, "script", "load", rt.Source(s))
}

// replyMsg returns the error reply err stands for, worded as rueidis gives
// it (without a leading "ERR "), so that a *ScriptError's Msg is the same
// on both backends; ok is false for an error that is not a reply (a
// network or context error).
func replyMsg(err error) (msg string, ok bool) {
	var re redis.Error
	if err == nil || err == redis.Nil || !errors.As(err, &re) {
		return "", false
	}
	return strings.TrimPrefix(re.Error(), "ERR "), true
}

// isRedirect reports whether an error reply is MOVED or ASK: a node client
// (used for the pipelines that load scripts next to their calls) does not
// follow them. The call did not run.
func isRedirect(msg string) bool {
	return strings.HasPrefix(msg, "MOVED ") || strings.HasPrefix(msg, "ASK ")
}

// reply classifies a call's final command.
type reply uint8

const (
	replyOK       reply = iota // a value, or a nil reply
	replyMissing               // NOSCRIPT: did not run
	replyNotRun                // TRYAGAIN, LOADING, ... or a failed dial: did not run
	replyRedirect              // MOVED or ASK on a node client: did not run
	replyError                 // another error reply, or a transport error
)

// classify says what a call's command got; msg is the error reply, if any.
func classify(err error) (reply, string) {
	if err == nil || err == redis.Nil {
		return replyOK, ""
	}
	msg, ok := replyMsg(err)
	switch {
	case !ok && rt.NotRunTransport(err):
		return replyNotRun, ""
	case !ok:
		return replyError, ""
	case rt.IsNoScript(msg):
		return replyMissing, msg
	case rt.NotRunReply(msg):
		return replyNotRun, msg
	case isRedirect(msg):
		return replyRedirect, msg
	}
	return replyError, msg
}

// stale reports whether a reply (kind, msg) suggests that a cluster
// client's map of the cluster is out of date: a network error (a node is
// down), CLUSTERDOWN or READONLY (a failover), or MOVED and ASK from a node
// the runner sent a pipeline to itself. go-redis re-reads the map after
// redirections it follows, and otherwise only every few seconds.
func stale(kind reply, msg string) bool {
	switch kind {
	case replyRedirect:
		return true
	case replyError, replyNotRun:
		if msg == "" {
			return true
		}
		code := rt.ErrorCode(msg)
		return code == "CLUSTERDOWN" || code == "READONLY"
	}
	return false
}

// refresh asks a cluster client to re-read the map of the cluster (in the
// background, at most every 200ms) after a reply that says it is stale,
// and reports whether it asked.
func (r *Runner) refresh(ctx context.Context, kind reply, msg string) bool {
	if r.kind == kindCluster && stale(kind, msg) {
		r.cc.ReloadState(ctx)
		return true
	}
	return false
}

// scriptError is the error a call of s gets for err, its command's error:
// a *rt.ScriptError for an error reply, else err itself; nil for a value
// or a nil reply.
func scriptError(s *Script, err error) error {
	if err == nil || err == redis.Nil {
		return nil
	}
	if msg, ok := replyMsg(err); ok {
		return rt.NewScriptError(s, msg, err)
	}
	return err
}

// outcome classifies a final reply for the hooks; err is what the caller
// sees for it.
func outcome(s *Script, cmdErr error) (o Outcome, code string, err error) {
	if cmdErr == nil || cmdErr == redis.Nil {
		return rt.OutcomeOK, "", nil
	}
	if msg, ok := replyMsg(cmdErr); ok {
		return rt.OutcomeErrorReply, rt.ErrorCode(msg), rt.NewScriptError(s, msg, cmdErr)
	}
	return rt.OutcomeTransport, "", cmdErr
}

package rt

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"
)

// Redis answers TRYAGAIN (keys of one call split by a slot migration in
// progress), CLUSTERDOWN (no master for the slot yet, during a failover) and
// LOADING (a restarted node reading its data) before it runs anything, and a
// connection that could not be dialled sent nothing, so a call that got one
// of these can be sent again without running twice. READONLY (the node is a
// replica now: a failover happened and the client has not followed yet) and
// NOREPLICAS (min-replicas-to-write not met) come at the script's first write
// command: Redis checks them only while a script has written nothing, so
// the call had no effect either. BUSY (another script or function is
// running past busy-reply-threshold) comes before the call runs.
// Clients retry these only for commands they may also retry after a network
// error, which must exclude EVALSHA of write scripts; the backends retry
// them for every script call, with a growing pause, as long as the context
// allows and at most MaxRetries times (MaxTryAgainRetries for TRYAGAIN: a
// slot whose keys redis-cli --cluster reshard moves under load stays split
// for seconds).
const (
	MaxRetries         = 12
	MaxTryAgainRetries = 40
	FirstBackoff       = 10 * time.Millisecond
	MaxBackoff         = 250 * time.Millisecond
)

// NotRunReply reports whether an error reply msg (as the client gives it,
// with or without a leading "ERR ") is one Redis gives before running the
// command, other than NOSCRIPT.
func NotRunReply(msg string) bool {
	switch ErrorCode(msg) {
	case "TRYAGAIN", "CLUSTERDOWN", "LOADING", "READONLY", "NOREPLICAS", "BUSY":
		return true
	}
	return false
}

// NotRunTransport reports whether err, a client's error without a reply,
// proves that nothing was sent: a connection that could not be opened. The
// node is down and the client will find its replacement. Any other network
// error may have come after the script ran.
func NotRunTransport(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// RetryCap is how many times a call answered msg (NotRunReply, or "" for a
// transport error) is retried.
func RetryCap(msg string) int {
	if strings.HasPrefix(msg, "TRYAGAIN") {
		return MaxTryAgainRetries
	}
	return MaxRetries
}

// Backoff waits before retry attempt n (0-based); false when ctx ended first.
func Backoff(ctx context.Context, n int) bool {
	d := FirstBackoff << n
	if d > MaxBackoff || d <= 0 {
		d = MaxBackoff
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// IsNoScript reports whether an error reply msg is NOSCRIPT.
func IsNoScript(msg string) bool { return strings.HasPrefix(msg, "NOSCRIPT") }

// IsFunctionNotFound reports whether an error reply msg is FCALL's answer
// for a function the node does not have.
func IsFunctionNotFound(msg string) bool {
	return strings.TrimPrefix(msg, "ERR ") == "Function not found"
}

// LoadRetry is how long a runner goes by EVAL after the server refused
// SCRIPT LOAD before it tries SCRIPT LOAD again.
const LoadRetry = time.Minute

// IsUnknownFcall reports whether msg is the reply of a server without
// FCALL or FCALL_RO to one: "ERR unknown command 'FCALL', with args
// beginning with: ..." (quoted with ` by Redis 6 and miniredis). It is
// matched whole, so that an error a function returns is never taken for it.
func IsUnknownFcall(msg string) bool {
	rest, ok := strings.CutPrefix(strings.TrimPrefix(msg, "ERR "), "unknown command ")
	if !ok || len(rest) < 2 {
		return false
	}
	rest = strings.ToLower(rest[1:])
	return strings.HasPrefix(rest, "fcall_ro") || strings.HasPrefix(rest, "fcall")
}

// FunctionMissing classifies an error reply msg to an FCALL (FCALL_RO):
// missing when the call did not run because the node lacks the function
// ("Function not found") or lacks Functions altogether (noFunctions: a
// node of Redis 6 in a cluster half-way through an upgrade; the runner
// then goes by scripts, which every node runs).
func FunctionMissing(msg string) (missing, noFunctions bool) {
	if IsUnknownFcall(msg) {
		return true, true
	}
	return IsFunctionNotFound(msg), false
}

// IsUnknownCommand reports whether msg is Redis's (or miniredis's) reply to
// a command it does not have.
func IsUnknownCommand(msg string) bool {
	return strings.Contains(strings.ToLower(msg), "unknown command")
}

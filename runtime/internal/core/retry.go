package core

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/redis/rueidis"
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
// rueidis retries these only for commands it may also retry after a network
// error, which excludes EVALSHA of write scripts; the runtime retries them
// for every script call, with a growing pause, as long as the context allows
// and at most maxRetries times (maxTryAgainRetries for TRYAGAIN: a slot
// whose keys redis-cli --cluster reshard moves under load stays split for
// seconds).
const (
	maxRetries         = 12
	maxTryAgainRetries = 40
	firstBackoff       = 10 * time.Millisecond
	maxBackoff         = 250 * time.Millisecond
)

// notRun reports whether res is a reply Redis gives before running the
// command, other than NOSCRIPT.
func notRun(res rueidis.RedisResult) bool {
	if err := res.NonRedisError(); err != nil {
		// A connection that could not be opened carried nothing: the
		// node is down and rueidis will find its replacement. Any other
		// network error may have come after the script ran.
		var op *net.OpError
		return errors.As(err, &op) && op.Op == "dial"
	}
	re, ok := rueidis.IsRedisErr(res.Error())
	if !ok {
		return false
	}
	if re.IsTryAgain() || re.IsClusterDown() || re.IsLoading() {
		return true
	}
	msg := re.Error()
	return strings.HasPrefix(msg, "READONLY ") || strings.HasPrefix(msg, "NOREPLICAS ") || strings.HasPrefix(msg, "BUSY ")
}

// retryCap is how many times a call that got res is retried.
func retryCap(res *rueidis.RedisResult) int {
	if re, ok := rueidis.IsRedisErr(res.Error()); ok && re.IsTryAgain() {
		return maxTryAgainRetries
	}
	return maxRetries
}

// backoff waits before retry attempt n (0-based); false when ctx ended first.
func backoff(ctx context.Context, n int) bool {
	d := firstBackoff << n
	if d > maxBackoff || d <= 0 {
		d = maxBackoff
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

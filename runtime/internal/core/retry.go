package core

import (
	"context"

	"github.com/redis/rueidis"

	"github.com/luagen/luagen/internal/rt"
)

// notRun reports whether res is a reply Redis gives before running the
// command, other than NOSCRIPT, or a transport error that proves nothing
// was sent (see rt.NotRunReply, rt.NotRunTransport). rueidis retries these
// only for commands it may also retry after a network error, which excludes
// EVALSHA of write scripts; the runner retries them for every script call.
func notRun(res rueidis.RedisResult) bool {
	if err := res.NonRedisError(); err != nil {
		return rt.NotRunTransport(err)
	}
	re, ok := rueidis.IsRedisErr(res.Error())
	return ok && rt.NotRunReply(re.Error())
}

// retryCap is how many times a call that got res is retried.
func retryCap(res *rueidis.RedisResult) int {
	if re, ok := rueidis.IsRedisErr(res.Error()); ok {
		return rt.RetryCap(re.Error())
	}
	return rt.MaxRetries
}

// backoff waits before retry attempt n (0-based); false when ctx ended first.
func backoff(ctx context.Context, n int) bool { return rt.Backoff(ctx, n) }

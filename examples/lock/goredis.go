package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/luagen/luagen/examples/lock/goredislocks"
	"github.com/redis/go-redis/v9"
)

// runGoRedis is run on a go-redis client: the same steps through
// goredislocks, the go-redis twin of package locks, and go-redis plain
// commands.
func runGoRedis(ctx context.Context, client redis.UniversalClient, w io.Writer) error {
	l := goredislocks.New(client)
	if err := client.Del(ctx, lockKey, fenceKey).Err(); err != nil {
		return err
	}
	say := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }

	tokenA, err := l.Acquire(ctx, lockKey, fenceKey, "worker-a", 10*time.Second)
	if err != nil {
		return err
	}
	say("worker-a acquires the lock: fencing token %s", show(tokenA))

	tokenB, err := l.Acquire(ctx, lockKey, fenceKey, "worker-b", 10*time.Second)
	if err != nil {
		return err
	}
	say("worker-b tries while worker-a holds it: %s", show(tokenB))

	h, err := l.Holder(ctx, lockKey)
	if err != nil {
		return err
	}
	if h != nil {
		say("holder: %s, for at most %s", h.Owner, h.TTL.Round(time.Second))
	}

	ttl, err := l.Extend(ctx, lockKey, "worker-a", 30*time.Second)
	if err != nil {
		return err
	}
	if ttl != nil {
		say("worker-a extends it to %s", ttl.Round(time.Second))
	}
	ttl, err = l.Extend(ctx, lockKey, "worker-b", 30*time.Second)
	if err != nil {
		return err
	}
	say("worker-b cannot extend a lock it does not hold: %v", ttl)

	released, err := l.Release(ctx, lockKey, "worker-b")
	if err != nil {
		return err
	}
	say("worker-b releases: %v", released)
	released, err = l.Release(ctx, lockKey, "worker-a")
	if err != nil {
		return err
	}
	say("worker-a releases: %v", released)

	h, err = l.Holder(ctx, lockKey)
	if err != nil {
		return err
	}
	say("holder now: %v", h)

	tokenB, err = l.Acquire(ctx, lockKey, fenceKey, "worker-b", 10*time.Second)
	if err != nil {
		return err
	}
	say("worker-b acquires it: fencing token %s (storage now refuses writes tagged %s)", show(tokenB), show(tokenA))
	_, err = l.Release(ctx, lockKey, "worker-b")
	return err
}

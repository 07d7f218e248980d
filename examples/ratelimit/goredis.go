package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/luagen/luagen/examples/ratelimit/goredislimiter"
	"github.com/luagen/luagen/goredis"
	"github.com/redis/go-redis/v9"
)

// runGoRedis is run on a go-redis client: the same steps through
// goredislimiter, the go-redis twin of package limiter, and go-redis plain
// commands.
func runGoRedis(ctx context.Context, client redis.UniversalClient, w io.Writer) error {
	lim := goredislimiter.New(client)
	// One hash tag, {rl:alice}: one slot on a cluster.
	bucket, log := "{rl:alice}:bucket", "{rl:alice}:refused"
	if err := client.Del(ctx, bucket, log).Err(); err != nil {
		return err
	}

	fmt.Fprintf(w, "\nalice sends a request every 100ms to a bucket of %d tokens refilling %.0f/s:\n", capacity, rate)
	for i := range 10 {
		now := start.Add(time.Duration(i) * 100 * time.Millisecond)
		res, err := lim.TakeTokens(ctx, bucket, log, rate, capacity, now, 1)
		if err != nil {
			return err
		}
		verdict := "allowed"
		if !res.Allowed {
			verdict = "refused, retry after " + res.RetryAfter.String()
		}
		fmt.Fprintf(w, "  t=%4dms  %-28s tokens left: %d\n", i*100, verdict, res.Remaining)
	}
	refused, err := lim.Refused(ctx, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "the read-only script counts %d refused requests\n", refused)

	// One pipeline for 200 users, a plain DEL and two script calls each.
	p := lim.Pipeline()
	var futures []goredis.Future[goredislimiter.TakeTokensResult]
	for i := range 200 {
		u := "{rl:user" + strconv.Itoa(i) + "}"
		p.Batch().Do("DEL", u+":bucket", u+":refused")
		for range 2 {
			futures = append(futures, p.TakeTokens(u+":bucket", u+":refused", rate, capacity, start, 3))
		}
	}
	if err := p.Exec(ctx); err != nil {
		return err
	}
	allowed := 0
	for _, f := range futures {
		res, err := f.Get()
		if err != nil {
			return err
		}
		if res.Allowed {
			allowed++
		}
	}
	fmt.Fprintf(w, "\none pipeline of %d calls for 200 users taking 3 tokens twice: %d allowed, %d refused\n", len(futures), allowed, len(futures)-allowed)
	return nil
}

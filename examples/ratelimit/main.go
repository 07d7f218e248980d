// Command ratelimit runs a token-bucket rate limiter written as one Lua
// script, called through the Go bindings luagen generated for it: package
// limiter on a rueidis client (the default), or its twin goredislimiter on a
// go-redis client, printing the same.
//
//	go run ./examples/ratelimit                  # on an embedded Redis
//	go run ./examples/ratelimit -client go-redis # the same with go-redis
//	go run ./examples/ratelimit -redis 127.0.0.1:7000,127.0.0.1:7001
package main

//go:generate go run github.com/luagen/luagen/cmd/luagen generate

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/luagen/luagen/examples/internal/connect"
	"github.com/luagen/luagen/examples/ratelimit/limiter"
	"github.com/luagen/luagen/runtime"
	"github.com/redis/rueidis"
)

func main() {
	addr := flag.String("redis", "", "Redis `host:port` (comma-separated seeds for a cluster); empty starts an embedded Redis")
	client := flag.String("client", "rueidis", "Redis client the bindings run on: `rueidis` or go-redis")
	flag.Parse()
	if err := connectAndRun(*client, *addr); err != nil {
		fmt.Fprintln(os.Stderr, "ratelimit:", err)
		os.Exit(1)
	}
}

// connectAndRun connects with the chosen client and runs the example on it.
func connectAndRun(client, addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	switch client {
	case "rueidis":
		c, desc, closeAll, err := connect.Open(addr)
		if err != nil {
			return err
		}
		defer closeAll()
		fmt.Println("using", desc, "with rueidis")
		return run(ctx, c, os.Stdout)
	case "go-redis":
		c, desc, closeAll, err := connect.OpenGoRedis(addr)
		if err != nil {
			return err
		}
		defer closeAll()
		fmt.Println("using", desc, "with go-redis")
		return runGoRedis(ctx, c, os.Stdout)
	}
	return fmt.Errorf("-client %q: want rueidis or go-redis", client)
}

const (
	rate     = 2.0 // tokens per second
	capacity = 5
)

// start is a fixed clock, so the output is the same on every run.
var start = time.UnixMilli(1_700_000_000_000)

func run(ctx context.Context, client rueidis.Client, w io.Writer) error {
	lim := limiter.New(client)
	// The bucket and its log share the hash tag {rl:alice}, so on a cluster
	// they live in one slot and the script may touch both.
	bucket, log := "{rl:alice}:bucket", "{rl:alice}:refused"
	if err := client.Do(ctx, client.B().Del().Key(bucket, log).Build()).Error(); err != nil {
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

	// One pipeline for 200 users, each resetting its bucket with a plain
	// command and taking 3 tokens twice: one round trip per node.
	p := lim.Pipeline()
	var futures []runtime.Future[limiter.TakeTokensResult]
	for i := range 200 {
		u := "{rl:user" + strconv.Itoa(i) + "}"
		p.Batch().Do(client.B().Del().Key(u+":bucket", u+":refused").Build())
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

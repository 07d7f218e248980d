// Command lock runs a distributed lock with fencing tokens: acquire, extend
// and release scripts, and a read-only script that reports the holder:
// package locks on a rueidis client (the default), or its twin goredislocks
// on a go-redis client, printing the same.
//
//	go run ./examples/lock                  # on an embedded Redis
//	go run ./examples/lock -client go-redis # the same with go-redis
//	go run ./examples/lock -redis 127.0.0.1:7000
package main

//go:generate go run github.com/luagen/luagen/cmd/luagen generate

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/luagen/luagen/examples/internal/connect"
	"github.com/luagen/luagen/examples/lock/locks"
	"github.com/redis/rueidis"
)

func main() {
	addr := flag.String("redis", "", "Redis `host:port` (comma-separated seeds for a cluster); empty starts an embedded Redis")
	client := flag.String("client", "rueidis", "Redis client the bindings run on: `rueidis` or go-redis")
	flag.Parse()
	if err := connectAndRun(*client, *addr); err != nil {
		fmt.Fprintln(os.Stderr, "lock:", err)
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

// Both keys carry the hash tag {lock:orders}: one slot on a cluster.
const (
	lockKey  = "{lock:orders}"
	fenceKey = "{lock:orders}:fence"
)

func run(ctx context.Context, client rueidis.Client, w io.Writer) error {
	l := locks.New(client)
	if err := client.Do(ctx, client.B().Del().Key(lockKey, fenceKey).Build()).Error(); err != nil {
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

func show(token *int64) string {
	if token == nil {
		return "nil (held by someone else)"
	}
	return fmt.Sprint(*token)
}

package connect

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// OpenGoRedis is Open for go-redis: it connects to addrs, a comma-separated
// list of host:port seeds, or with addrs empty starts an embedded Redis.
// Several seeds make a cluster client; a single seed makes one when the
// server says it is a cluster node (INFO cluster), as rueidis finds out by
// itself. Call the returned func to close everything.
func OpenGoRedis(addrs string) (redis.UniversalClient, string, func(), error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if addrs == "" {
		m, err := miniredis.Run()
		if err != nil {
			return nil, "", nil, fmt.Errorf("starting embedded redis: %w", err)
		}
		// go-redis speaks RESP3 (HELLO 3) by default; miniredis answers
		// HELLO 3 too, so no Protocol: 2 is needed.
		c := redis.NewClient(&redis.Options{Addr: m.Addr()})
		if err := c.Ping(ctx).Err(); err != nil {
			c.Close()
			m.Close()
			return nil, "", nil, err
		}
		return c, "embedded Redis (miniredis) at " + m.Addr(), func() { c.Close(); m.Close() }, nil
	}
	seeds := strings.Split(addrs, ",")
	cluster := len(seeds) > 1
	if !cluster {
		c := redis.NewClient(&redis.Options{Addr: seeds[0]})
		info, err := c.Info(ctx, "cluster").Result()
		c.Close()
		if err != nil {
			return nil, "", nil, fmt.Errorf("connecting to %s: %w", addrs, err)
		}
		cluster = strings.Contains(info, "cluster_enabled:1")
	}
	c := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: seeds, IsClusterMode: cluster})
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, "", nil, fmt.Errorf("connecting to %s: %w", addrs, err)
	}
	mode := "standalone"
	if cluster {
		mode = "cluster"
	}
	return c, fmt.Sprintf("Redis %s at %s", mode, addrs), func() { c.Close() }, nil
}

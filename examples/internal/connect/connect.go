// Package connect gives the examples a rueidis client (Open) or a go-redis
// client (OpenGoRedis): on an embedded in-process Redis (miniredis) by
// default, or on a real server or cluster.
package connect

import (
	"fmt"
	"strings"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/rueidis"
)

// Open connects to addrs, a comma-separated list of host:port seeds (one for
// a standalone server, any of the nodes for a cluster). With addrs empty it
// starts an embedded Redis. Call the returned func to close everything.
func Open(addrs string) (rueidis.Client, string, func(), error) {
	if addrs == "" {
		m, err := miniredis.Run()
		if err != nil {
			return nil, "", nil, fmt.Errorf("starting embedded redis: %w", err)
		}
		// miniredis does not do client-side caching.
		c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{m.Addr()}, DisableCache: true})
		if err != nil {
			m.Close()
			return nil, "", nil, err
		}
		return c, "embedded Redis (miniredis) at " + m.Addr(), func() { c.Close(); m.Close() }, nil
	}
	seeds := strings.Split(addrs, ",")
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: seeds, DisableCache: true})
	if err != nil {
		return nil, "", nil, fmt.Errorf("connecting to %s: %w", addrs, err)
	}
	return c, fmt.Sprintf("Redis %s at %s", c.Mode(), addrs), c.Close, nil
}

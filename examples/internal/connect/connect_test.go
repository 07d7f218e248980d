package connect

import (
	"testing"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/redis/go-redis/v9"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// TestOpenGoRedisKind checks the kind of go-redis client OpenGoRedis
// chooses: a cluster client for several seeds or for one cluster node, a
// plain client otherwise.
func TestOpenGoRedisKind(t *testing.T) {
	cluster := redistest.Cluster(t).Addrs()
	for _, tc := range []struct {
		name, addrs string
		cluster     bool
	}{
		{"embedded", "", false},
		{"standalone", redistest.Standalone(t).Addr(), false},
		{"one cluster seed", cluster[0], true},
		{"cluster seeds", cluster[0] + "," + cluster[1], true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, desc, closeAll, err := OpenGoRedis(tc.addrs)
			if err != nil {
				t.Fatal(err)
			}
			defer closeAll()
			if _, ok := c.(*redis.ClusterClient); ok != tc.cluster {
				t.Errorf("%s: got a %T", desc, c)
			}
		})
	}
}

package goredis_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/luagen/luagen/goredis"
	"github.com/luagen/luagen/goredis/luagenimpl"
	"github.com/luagen/luagen/internal/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// deployment is a Redis to run a test against, with admin access to its nodes.
type deployment struct {
	name    string
	client  redis.UniversalClient
	nodes   []*redistest.Server
	cluster bool
}

// deployments returns a standalone server, the shared cluster and a
// Sentinel deployment (failover client), each with a fresh go-redis client
// closed at the end of the test.
func deployments(t *testing.T) []deployment {
	t.Helper()
	sa := redistest.Standalone(t)
	cl := redistest.Cluster(t)
	return []deployment{
		{name: "standalone", client: newClient(t, sa.Addr()), nodes: []*redistest.Server{sa}},
		{name: "cluster", client: newClusterClient(t, cl.Addrs()...), nodes: cl.Nodes(), cluster: true},
	}
}

func newClient(t testing.TB, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { c.Close() })
	return c
}

func newClusterClient(t testing.TB, addrs ...string) *redis.ClusterClient {
	t.Helper()
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	t.Cleanup(func() { c.Close() })
	return c
}

var uniq atomic.Int64

// newScript makes a script whose source is unique to this test run, so no
// server has it cached from an earlier test.
func newScript(name, body string, readOnly bool, opts ...luagenimpl.Option) *goredis.Script {
	src := fmt.Sprintf("-- %s %d %d\n%s", name, time.Now().UnixNano(), uniq.Add(1), body)
	sum := sha1.Sum([]byte(src))
	return luagenimpl.NewScript(name, "scripts/"+name+".lua", src, hex.EncodeToString(sum[:]), readOnly, opts...)
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// prefix is a key prefix unique to the test.
func prefix(t *testing.T) string {
	return fmt.Sprintf("t%d:%s:", uniq.Add(1), strings.ReplaceAll(t.Name(), "/", "."))
}

// stats sums INFO commandstats over nodes.
func stats(t *testing.T, nodes []*redistest.Server) map[string]int64 {
	t.Helper()
	sum := map[string]int64{}
	for _, n := range nodes {
		st, err := redistest.CommandStats(n)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range st {
			sum[k] += v
		}
	}
	return sum
}

// perNode is INFO commandstats' count of cmd on each node.
func perNode(t *testing.T, nodes []*redistest.Server, cmd string) []int64 {
	t.Helper()
	out := make([]int64, len(nodes))
	for i, n := range nodes {
		st, err := redistest.CommandStats(n)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = st[cmd]
	}
	return out
}

func resetStats(t *testing.T, nodes []*redistest.Server) {
	t.Helper()
	for _, n := range nodes {
		if err := n.ResetStats(); err != nil {
			t.Fatal(err)
		}
	}
}

func flushScripts(t *testing.T, nodes []*redistest.Server) {
	t.Helper()
	for _, n := range nodes {
		if _, err := n.Do("SCRIPT", "FLUSH"); err != nil {
			t.Fatal(err)
		}
	}
}

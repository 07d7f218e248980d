package redistest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// AddMaster starts a new, empty cluster node and joins it to c as a master
// without slots, as `redis-cli --cluster add-node` does in a real
// deployment. It is one of c's nodes from then on (stopped with c), and
// WaitHealthy waits for it too.
func (c *RedisCluster) AddMaster(tb testing.TB) *Server {
	tb.Helper()
	b := requireBinaries(tb)
	nodeDir := filepath.Join(c.dir, fmt.Sprintf("node%d", len(c.nodes)))
	if err := os.Mkdir(nodeDir, 0o755); err != nil {
		tb.Fatal(err)
	}
	timeout := "2000"
	if v, err := c.nodes[0].Do("CONFIG", "GET", "cluster-node-timeout"); err == nil {
		if kv, ok := v.([]any); ok && len(kv) == 2 {
			timeout, _ = kv[1].(string)
		}
	}
	n := &Server{bin: b.server, dir: nodeDir, cluster: true, extra: []string{
		"--cluster-enabled", "yes",
		"--cluster-config-file", filepath.Join(nodeDir, "nodes.conf"),
		"--cluster-node-timeout", timeout,
	}}
	if err := n.startOnFreePort(); err != nil {
		tb.Fatal(err)
	}
	var existing *Server
	for _, m := range c.Masters() {
		existing = m
		break
	}
	ctx, cancel := context.WithTimeout(context.Background(), createTimeout)
	defer cancel()
	args := []string{"--cluster", "add-node", n.Addr(), existing.Addr()}
	out, err := exec.CommandContext(ctx, b.cli, args...).CombinedOutput()
	if err != nil {
		n.destroy()
		tb.Fatalf("redistest: redis-cli %v: %v\n%s", args, err, out)
	}
	c.nodes = append(c.nodes, n)
	if err := c.WaitHealthy(healthyTimeout); err != nil {
		tb.Fatal(err)
	}
	return n
}

// Reshard moves count slots from src to dst with `redis-cli --cluster
// reshard`, keys included, while the cluster serves calls.
func (c *RedisCluster) Reshard(tb testing.TB, src, dst string, count int) {
	tb.Helper()
	b := requireBinaries(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := []string{"--cluster", "reshard", src, "--cluster-from", nodeIDOf(tb, c, src), "--cluster-to", nodeIDOf(tb, c, dst),
		"--cluster-slots", strconv.Itoa(count), "--cluster-yes", "--cluster-pipeline", "100"}
	out, err := exec.CommandContext(ctx, b.cli, args...).CombinedOutput()
	if err != nil {
		tb.Fatalf("redistest: redis-cli %v: %v\n%s", args, err, out)
	}
}

func nodeIDOf(tb testing.TB, c *RedisCluster, addr string) string {
	tb.Helper()
	for _, n := range c.nodes {
		if n.Addr() == addr {
			id, err := n.doString("CLUSTER", "MYID")
			if err != nil {
				tb.Fatal(err)
			}
			return id
		}
	}
	tb.Fatalf("redistest: no node %s", addr)
	return ""
}

package redistest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	clusterMasters  = 3
	clusterReplicas = 1 // per master
	clusterNodes    = clusterMasters * (1 + clusterReplicas)
	createTimeout   = 60 * time.Second
	healthyTimeout  = 60 * time.Second
	healthyPoll     = 100 * time.Millisecond
)

// ClusterOptions configures a private cluster.
type ClusterOptions struct {
	// NodeTimeout is cluster-node-timeout (default 2s): how long a node must
	// be unreachable before it is considered failed and its replica takes
	// over. Fault tests lower it to make failovers faster.
	NodeTimeout time.Duration
	// Args are extra redis-server arguments for every node, e.g.
	// {"--cluster-replica-validity-factor", "0"}.
	Args []string
}

// RedisCluster is a Redis Cluster of 3 masters with 1 replica each (named so
// because the Cluster function has the natural name). Roles change on
// failover, so Masters/Replicas/MasterFor ask the nodes every time.
type RedisCluster struct {
	dir   string
	nodes []*Server // fixed creation order; a node keeps its port across restarts

	destroyOnce sync.Once
}

func startCluster(b binaries, opts ClusterOptions) (_ *RedisCluster, err error) {
	if opts.NodeTimeout <= 0 {
		opts.NodeTimeout = 2 * time.Second
	}
	dir, err := os.MkdirTemp("", "redistest-cluster-*")
	if err != nil {
		return nil, err
	}
	c := &RedisCluster{dir: dir}
	if err := register(c); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	defer func() {
		if err != nil {
			c.destroy()
		}
	}()

	for i := range clusterNodes {
		nodeDir := filepath.Join(dir, fmt.Sprintf("node%d", i))
		if err := os.Mkdir(nodeDir, 0o755); err != nil {
			return nil, err
		}
		n := &Server{bin: b.server, dir: nodeDir, cluster: true, extra: append([]string{
			"--cluster-enabled", "yes",
			"--cluster-config-file", filepath.Join(nodeDir, "nodes.conf"),
			"--cluster-node-timeout", strconv.FormatInt(opts.NodeTimeout.Milliseconds(), 10),
		}, opts.Args...)}
		c.nodes = append(c.nodes, n)
		if err := n.startOnFreePort(); err != nil {
			return nil, err
		}
	}

	// redis-cli picks the first three addresses as masters and assigns
	// replicas, slots and config epochs exactly as a real deployment would.
	args := []string{"--cluster", "create"}
	args = append(args, c.Addrs()...)
	args = append(args, "--cluster-replicas", strconv.Itoa(clusterReplicas), "--cluster-yes")
	ctx, cancel := context.WithTimeout(context.Background(), createTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, b.cli, args...).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("redistest: redis-cli %s: %v\n%s%s", strings.Join(args, " "), err, out, c.logTails())
	}
	if err := c.WaitHealthy(healthyTimeout); err != nil {
		return nil, fmt.Errorf("%w\nredis-cli output:\n%s%s", err, out, c.logTails())
	}
	return c, nil
}

func (c *RedisCluster) logTails() string {
	var b strings.Builder
	for _, n := range c.nodes {
		fmt.Fprintf(&b, "\n--- %s %s:\n%s", n.Addr(), logName, n.LogTail(15))
	}
	return b.String()
}

func (c *RedisCluster) destroy() {
	c.destroyOnce.Do(func() {
		var wg sync.WaitGroup
		for _, n := range c.nodes {
			wg.Go(n.destroy)
		}
		wg.Wait()
		os.RemoveAll(c.dir)
		unregister(c)
	})
}

// Nodes returns all six nodes in creation order (initially masters first).
func (c *RedisCluster) Nodes() []*Server { return slices.Clone(c.nodes) }

// Addrs returns the addresses of all six nodes.
func (c *RedisCluster) Addrs() []string {
	addrs := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		addrs[i] = n.Addr()
	}
	return addrs
}

// Masters returns the nodes that currently report role master. Nodes that are
// down or do not answer are left out.
func (c *RedisCluster) Masters() []*Server { return c.withRole("master") }

// Replicas returns the nodes that currently report role slave. Nodes that are
// down or do not answer are left out.
func (c *RedisCluster) Replicas() []*Server { return c.withRole("slave") }

// MasterAddrs returns the addresses of Masters().
func (c *RedisCluster) MasterAddrs() []string {
	var addrs []string
	for _, n := range c.Masters() {
		addrs = append(addrs, n.Addr())
	}
	return addrs
}

func (c *RedisCluster) withRole(role string) []*Server {
	var out []*Server
	for _, n := range c.nodes {
		if !n.Running() {
			continue
		}
		if r, err := n.Role(); err == nil && r == role {
			out = append(out, n)
		}
	}
	return out
}

// nodeByPort maps a port from a cluster reply back to our node.
func (c *RedisCluster) nodeByPort(port int64) *Server {
	for _, n := range c.nodes {
		if int64(n.port) == port {
			return n
		}
	}
	return nil
}

// ForEach calls fn on every running node (nodes a fault test has stopped are
// skipped) and returns all errors joined. It does not stop at the first
// error, so cleanup-style operations reach every node.
func (c *RedisCluster) ForEach(fn func(*Server) error) error {
	var errs []error
	for _, n := range c.nodes {
		if n.Running() {
			if err := fn(n); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", n.Addr(), err))
			}
		}
	}
	return errors.Join(errs...)
}

// FlushAllScripts empties the Lua script cache (SCRIPT FLUSH) on every
// running node, replicas included: the cache is per node and not replicated.
func (c *RedisCluster) FlushAllScripts() error {
	return c.ForEach(func(s *Server) error {
		_, err := s.Do("SCRIPT", "FLUSH")
		return err
	})
}

// FlushAll deletes all keys: FLUSHALL on every current master, then WAIT
// until its replicas have applied it too, so a test reading from replicas
// right afterwards cannot see stale keys.
func (c *RedisCluster) FlushAll() error {
	var errs []error
	for _, m := range c.Masters() {
		if err := flushAndWait(m); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.Addr(), err))
		}
	}
	return errors.Join(errs...)
}

func flushAndWait(m *Server) error {
	if err := m.FlushAll(); err != nil {
		return err
	}
	repl, err := m.Info("replication")
	if err != nil {
		return err
	}
	want := repl["connected_slaves"]
	if want == "" || want == "0" {
		return nil
	}
	v, err := m.Do("WAIT", want, "5000")
	if err != nil {
		return err
	}
	if got, _ := v.(int64); strconv.FormatInt(got, 10) != want {
		return fmt.Errorf("FLUSHALL reached %d of %s replicas", got, want)
	}
	return nil
}

// ResetStats runs CONFIG RESETSTAT on every running node.
func (c *RedisCluster) ResetStats() error {
	return c.ForEach((*Server).ResetStats)
}

// CommandStats returns CommandStats summed over every running node, e.g. to
// count all EVALSHA calls a client sent regardless of which node got them.
func (c *RedisCluster) CommandStats() (map[string]int64, error) {
	total := map[string]int64{}
	err := c.ForEach(func(s *Server) error {
		stats, err := CommandStats(s)
		for k, v := range stats {
			total[k] += v
		}
		return err
	})
	return total, err
}

// MasterFor returns the node currently serving key's slot according to
// CLUSTER SLOTS (asked from the first node that answers), or nil if no node
// answers or the slot is unassigned.
func (c *RedisCluster) MasterFor(key string) *Server {
	slot := int64(Slot(key))
	for _, n := range c.nodes {
		if !n.Running() {
			continue
		}
		v, err := n.Do("CLUSTER", "SLOTS")
		if err != nil {
			continue
		}
		ranges, _ := v.([]any)
		for _, r := range ranges {
			// [start, end, [ip, port, id, ...], replicas...]
			rr, _ := r.([]any)
			if len(rr) < 3 {
				continue
			}
			start, _ := rr[0].(int64)
			end, _ := rr[1].(int64)
			master, _ := rr[2].([]any)
			if slot < start || slot > end || len(master) < 2 {
				continue
			}
			port, _ := master[1].(int64)
			return c.nodeByPort(port)
		}
		return nil
	}
	return nil
}

// WaitHealthy waits until the whole cluster is healthy; see WaitHealthyExcept.
func (c *RedisCluster) WaitHealthy(timeout time.Duration) error {
	return c.WaitHealthyExcept(timeout)
}

// WaitHealthyExcept polls every 100ms until, for every node not in skip:
//   - CLUSTER INFO reports cluster_state:ok;
//   - CLUSTER SHARDS and CLUSTER NODES show every other non-skipped node as
//     online, connected and not failing, and all these nodes agree on which
//     node serves which slots in which role;
//   - if it is a replica, INFO replication reports master_link_status:up.
//
// Pass the nodes a fault test has killed as skip, e.g. to wait for a failover
// to complete. A node that is not running and not skipped is an immediate
// error. The agreement check matters after restarts: a returning ex-master
// briefly believes it still owns its slots.
func (c *RedisCluster) WaitHealthyExcept(timeout time.Duration, skip ...*Server) error {
	var live []*Server
	for _, n := range c.nodes {
		if slices.Contains(skip, n) {
			continue
		}
		if !n.Running() {
			return fmt.Errorf("redistest: cluster node %s is not running; pass it to WaitHealthyExcept", n.Addr())
		}
		live = append(live, n)
	}
	deadline := time.Now().Add(timeout)
	for {
		err := c.checkHealthy(live)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redistest: cluster not healthy after %v: %w", timeout, err)
		}
		time.Sleep(healthyPoll)
	}
}

func (c *RedisCluster) checkHealthy(live []*Server) error {
	livePorts := map[int64]bool{}
	for _, n := range live {
		livePorts[int64(n.port)] = true
	}
	var agreed string
	for _, n := range live {
		info, err := n.doString("CLUSTER", "INFO")
		if err != nil {
			return err
		}
		if st := parseInfo(info)["cluster_state"]; st != "ok" {
			return fmt.Errorf("%s: cluster_state:%s", n.Addr(), st)
		}

		view, err := shardsView(n, livePorts)
		if err != nil {
			return err
		}
		if agreed == "" {
			agreed = view
		} else if view != agreed {
			return fmt.Errorf("nodes disagree on topology:\n%s: %s\n%s: %s", live[0].Addr(), agreed, n.Addr(), view)
		}

		if err := checkNodesFlags(n, livePorts); err != nil {
			return err
		}

		role, err := n.Role()
		if err != nil {
			return err
		}
		if role == "slave" {
			repl, err := n.Info("replication")
			if err != nil {
				return err
			}
			if st := repl["master_link_status"]; st != "up" {
				return fmt.Errorf("%s: replica master_link_status:%s", n.Addr(), st)
			}
		}
	}
	return nil
}

// shardsView checks that n's CLUSTER SHARDS lists every live node as online
// and returns a canonical description of the live nodes' roles and slots, to
// be compared between nodes.
func shardsView(n *Server, livePorts map[int64]bool) (string, error) {
	v, err := n.Do("CLUSTER", "SHARDS")
	if err != nil {
		return "", err
	}
	shards, ok := v.([]any)
	if !ok {
		return "", fmt.Errorf("%s: unexpected CLUSTER SHARDS reply %#v", n.Addr(), v)
	}
	seen := map[int64]bool{}
	var entries []string
	for _, sh := range shards {
		shard := kv(sh)
		slots := fmt.Sprint(shard["slots"])
		nodes, _ := shard["nodes"].([]any)
		for _, nd := range nodes {
			node := kv(nd)
			port, _ := node["port"].(int64)
			if !livePorts[port] {
				continue
			}
			seen[port] = true
			if h := node["health"]; h != "online" {
				return "", fmt.Errorf("%s: CLUSTER SHARDS shows node :%d health %v", n.Addr(), port, h)
			}
			entries = append(entries, fmt.Sprintf("%d:%v:%s", port, node["role"], slots))
		}
	}
	for p := range livePorts {
		if !seen[p] {
			return "", fmt.Errorf("%s: CLUSTER SHARDS does not list node :%d yet", n.Addr(), p)
		}
	}
	slices.Sort(entries)
	return strings.Join(entries, " "), nil
}

// kv turns a RESP2 flat key/value array into a map.
func kv(v any) map[string]any {
	arr, _ := v.([]any)
	m := make(map[string]any, len(arr)/2)
	for i := 0; i+1 < len(arr); i += 2 {
		if k, ok := arr[i].(string); ok {
			m[k] = arr[i+1]
		}
	}
	return m
}

// checkNodesFlags catches what CLUSTER SHARDS' health hides: a node only
// suspected of failing (fail?) or still in handshake, or a disconnected link.
func checkNodesFlags(n *Server, livePorts map[int64]bool) error {
	out, err := n.doString("CLUSTER", "NODES")
	if err != nil {
		return err
	}
	for line := range strings.Lines(out) {
		// <id> <ip:port@cport> <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>...
		f := strings.Fields(line)
		if len(f) < 8 {
			continue
		}
		addr, _, _ := strings.Cut(f[1], "@")
		_, portStr, _ := strings.Cut(addr, ":")
		port, _ := strconv.ParseInt(portStr, 10, 64)
		if !livePorts[port] {
			continue
		}
		for flag := range strings.SplitSeq(f[2], ",") {
			switch flag {
			case "fail", "fail?", "handshake", "noaddr":
				return fmt.Errorf("%s: CLUSTER NODES shows %s flagged %s", n.Addr(), f[1], f[2])
			}
		}
		if f[7] != "connected" {
			return fmt.Errorf("%s: CLUSTER NODES shows %s link %s", n.Addr(), f[1], f[7])
		}
	}
	return nil
}

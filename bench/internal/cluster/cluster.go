// Package cluster starts throw-away redis-server processes for the bench:
// a 3-master/3-replica Redis Cluster or a standalone server, on free
// loopback ports in a temporary folder, with persistence off. It follows
// luagen's internal/redistest (which the bench module cannot import) in a
// few hundred lines: start, wait until healthy, stop.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// Binaries returns the redis-server and redis-cli to use: LUAGEN_REDIS_SERVER
// and LUAGEN_REDIS_CLI when set (as for luagen's tests), else those in PATH.
func Binaries() (server, cli string, err error) {
	server = envOr("LUAGEN_REDIS_SERVER", "redis-server")
	cli = envOr("LUAGEN_REDIS_CLI", "redis-cli")
	if server, err = exec.LookPath(server); err != nil {
		return "", "", fmt.Errorf("redis-server not found (install it, e.g. apt-get install redis-server, or pass -addr): %w", err)
	}
	if cli, err = exec.LookPath(cli); err != nil {
		return "", "", fmt.Errorf("redis-cli not found: %w", err)
	}
	return server, cli, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// Deployment is a set of redis-server processes started by this package.
// Stop kills them and removes their folder; it is safe to call more than
// once and from a signal handler.
type Deployment struct {
	dir   string
	nodes []*node
	once  sync.Once
}

type node struct {
	port   int
	cmd    *exec.Cmd
	exited chan struct{}
}

func (n *node) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(n.port)) }

// Addrs returns the address of every node.
func (d *Deployment) Addrs() []string {
	out := make([]string, len(d.nodes))
	for i, n := range d.nodes {
		out[i] = n.addr()
	}
	return out
}

// Stop kills every process and removes the temporary folder.
func (d *Deployment) Stop() {
	d.once.Do(func() {
		for _, n := range d.nodes {
			if n.cmd != nil && n.cmd.Process != nil {
				n.cmd.Process.Kill()
			}
		}
		for _, n := range d.nodes {
			if n.exited != nil {
				select {
				case <-n.exited:
				case <-time.After(5 * time.Second):
				}
			}
		}
		os.RemoveAll(d.dir)
	})
}

// StartStandalone starts one redis-server.
func StartStandalone(ctx context.Context) (*Deployment, error) {
	server, _, err := Binaries()
	if err != nil {
		return nil, err
	}
	d, err := start(server, 1, false)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// StartCluster starts 3 masters and 3 replicas, joins them with
// redis-cli --cluster create and waits until the cluster is healthy: every
// node reports cluster_state:ok, lists all six nodes online in CLUSTER
// SHARDS, and every replica's link to its master is up (rueidis ignores
// replicas that are not online yet).
func StartCluster(ctx context.Context) (_ *Deployment, err error) {
	server, cli, err := Binaries()
	if err != nil {
		return nil, err
	}
	d, err := start(server, 6, true)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			d.Stop()
		}
	}()
	args := append([]string{"--cluster", "create"}, d.Addrs()...)
	args = append(args, "--cluster-replicas", "1", "--cluster-yes")
	cctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(cctx, cli, args...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("redis-cli %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	if err := d.waitHealthy(ctx, time.Minute); err != nil {
		return nil, err
	}
	return d, nil
}

// start launches n servers on free ports (retrying a node whose port was
// taken in the meantime by another process).
func start(server string, n int, cluster bool) (_ *Deployment, err error) {
	dir, err := os.MkdirTemp("", "luagen-bench-*")
	if err != nil {
		return nil, err
	}
	d := &Deployment{dir: dir}
	defer func() {
		if err != nil {
			d.Stop()
		}
	}()
	used := map[int]bool{}
	for i := range n {
		nodeDir := filepath.Join(dir, "node"+strconv.Itoa(i))
		if err := os.Mkdir(nodeDir, 0o755); err != nil {
			return nil, err
		}
		var last error
		for range 20 {
			port, err := freePort(used, cluster)
			if err != nil {
				return nil, err
			}
			nd, err := startNode(server, nodeDir, port, cluster)
			if err == nil {
				d.nodes = append(d.nodes, nd)
				last = nil
				break
			}
			last = err
			if !strings.Contains(err.Error(), "in use") {
				break
			}
		}
		if last != nil {
			return nil, last
		}
	}
	return d, nil
}

func startNode(server, dir string, port int, cluster bool) (*node, error) {
	args := []string{
		"--port", strconv.Itoa(port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", "no",
		"--dir", dir,
		"--logfile", filepath.Join(dir, "redis.log"),
		"--protected-mode", "no",
		"--daemonize", "no",
		"--repl-diskless-sync-delay", "0",
		// Replicas count as "online" in CLUSTER SHARDS only once their
		// replication offset moves; ping every second so that is soon.
		"--repl-ping-replica-period", "1",
	}
	if cluster {
		args = append(args,
			"--cluster-enabled", "yes",
			"--cluster-config-file", filepath.Join(dir, "nodes.conf"),
			"--cluster-node-timeout", "5000")
	}
	out, err := os.Create(filepath.Join(dir, "output.log"))
	if err != nil {
		return nil, err
	}
	defer out.Close()
	cmd := exec.Command(server, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, out
	// If the bench dies without cleaning up, the servers die with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	n := &node{port: port, cmd: cmd, exited: make(chan struct{})}
	go func() { cmd.Wait(); close(n.exited) }()

	c := redis.NewClient(&redis.Options{Addr: n.addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case <-n.exited:
			log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
			o, _ := os.ReadFile(filepath.Join(dir, "output.log"))
			return nil, fmt.Errorf("redis-server on port %d exited during startup:\n%s%s", port, o, log)
		default:
		}
		// Our own pid answering proves no other process holds the port.
		if info, err := c.Info(context.Background(), "server").Result(); err == nil &&
			infoField(info, "process_id") == strconv.Itoa(cmd.Process.Pid) {
			return n, nil
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-n.exited
			return nil, fmt.Errorf("redis-server on port %d not ready after 10s", port)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// freePort picks a loopback port in [10000, 20000) whose cluster bus port
// (+10000) is free too; both lie below the usual ephemeral range.
func freePort(used map[int]bool, withBus bool) (int, error) {
	for range 500 {
		p := 10000 + rand.IntN(10000)
		if used[p] || !portFree(p) || (withBus && !portFree(p+10000)) {
			continue
		}
		used[p] = true
		return p, nil
	}
	return 0, errors.New("no free loopback port in [10000, 20000)")
}

func portFree(p int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

func (d *Deployment) waitHealthy(ctx context.Context, timeout time.Duration) error {
	clients := make([]*redis.Client, len(d.nodes))
	for i, n := range d.nodes {
		clients[i] = redis.NewClient(&redis.Options{Addr: n.addr(), MaxRetries: -1})
		defer clients[i].Close()
	}
	deadline := time.Now().Add(timeout)
	for {
		err := checkHealthy(ctx, clients, len(d.nodes))
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("cluster not healthy after %v: %w", timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func checkHealthy(ctx context.Context, clients []*redis.Client, want int) error {
	for _, c := range clients {
		addr := c.Options().Addr
		info, err := c.ClusterInfo(ctx).Result()
		if err != nil {
			return err
		}
		if st := infoField(info, "cluster_state"); st != "ok" {
			return fmt.Errorf("%s: cluster_state:%s", addr, st)
		}
		shards, err := c.ClusterShards(ctx).Result()
		if err != nil {
			return err
		}
		seen := 0
		for _, sh := range shards {
			for _, n := range sh.Nodes {
				if n.Health != "online" {
					return fmt.Errorf("%s: node :%d is %s", addr, n.Port, n.Health)
				}
				seen++
			}
		}
		if seen != want {
			return fmt.Errorf("%s: CLUSTER SHARDS lists %d of %d nodes", addr, seen, want)
		}
		repl, err := c.Info(ctx, "replication").Result()
		if err != nil {
			return err
		}
		if infoField(repl, "role") == "slave" && infoField(repl, "master_link_status") != "up" {
			return fmt.Errorf("%s: master_link_status:%s", addr, infoField(repl, "master_link_status"))
		}
	}
	return nil
}

func infoField(info, name string) string {
	for line := range strings.Lines(info) {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && k == name {
			return v
		}
	}
	return ""
}

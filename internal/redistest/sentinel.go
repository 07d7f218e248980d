package redistest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// SentinelSet is the name the sentinel knows the master by: a client's
// rueidis.SentinelOption.MasterSet.
const SentinelSet = "luagen"

// Sentinel is a Redis Sentinel deployment: a master, one replica and one
// sentinel watching them (quorum 1, a master is down after 1 s), each a
// process in its own temporary directory. Masters refuse writes while their
// replica is away (min-replicas-to-write 1).
type Sentinel struct {
	// Master and Replica are the current roles; Failover swaps them.
	Master, Replica *Server
	Sentinel        *Server
}

// Addrs returns the sentinel's address: what a client is given.
func (d *Sentinel) Addrs() []string { return []string{d.Sentinel.Addr()} }

// NewSentinel starts a private Sentinel deployment, stopped and removed when
// the test ends.
func NewSentinel(tb testing.TB) *Sentinel {
	tb.Helper()
	b := requireBinaries(tb)
	start := time.Now()
	d, err := startSentinel(b)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Logf("redistest: sentinel deployment started in %v", time.Since(start).Round(time.Millisecond))
	tb.Cleanup(d.destroy)
	return d
}

func startSentinel(b binaries) (_ *Sentinel, err error) {
	d := &Sentinel{}
	defer func() {
		if err != nil {
			d.destroy()
		}
	}()
	// A master refuses writes (NOREPLICAS) while its replica is not
	// connected, as Redis advises for Sentinel: once the sentinel promoted
	// the replica, the old master stops acknowledging writes it would lose.
	minReplicas := []string{"--min-replicas-to-write", "1", "--min-replicas-max-lag", "10"}
	if d.Master, err = startOwned(b, "master", "", minReplicas); err != nil {
		return nil, err
	}
	mport := strconv.Itoa(d.Master.Port())
	if d.Replica, err = startOwned(b, "replica", "", append([]string{"--replicaof", "127.0.0.1", mport}, minReplicas...)); err != nil {
		return nil, err
	}
	// Failovers in tests are asked for (Failover). A sentinel that found
	// the master unreachable for down-after-milliseconds would start one
	// of its own: 1 s was reached when the whole suite starved the servers
	// of CPU, and a failover in the middle of a test breaks its counts.
	conf := fmt.Sprintf("sentinel monitor %[1]s 127.0.0.1 %[2]s 1\n"+
		"sentinel down-after-milliseconds %[1]s 30000\n"+
		"sentinel failover-timeout %[1]s %[3]d\n", SentinelSet, mport, failoverTimeout.Milliseconds())
	if d.Sentinel, err = startOwned(b, "sentinel", conf, nil); err != nil {
		return nil, err
	}
	if err := d.waitHealthy(30*time.Second, true); err != nil {
		return nil, err
	}
	return d, nil
}

// failoverTimeout is the sentinel's failover-timeout: how long it waits
// for the replica it chose to become master before giving up.
const failoverTimeout = 10 * time.Second

func (d *Sentinel) destroy() {
	for _, s := range []*Server{d.Sentinel, d.Replica, d.Master} {
		if s != nil {
			s.destroy()
		}
	}
}

// WaitHealthy waits until the replica's link to the master is up and the
// sentinel names the master.
func (d *Sentinel) WaitHealthy(timeout time.Duration) error {
	return d.waitHealthy(timeout, false)
}

// waitHealthy is WaitHealthy; with knowsReplica it also waits until the
// sentinel lists the replica as healthy, which it learns from the master's
// INFO, polled every 10 s in steady state (at once on start-up).
func (d *Sentinel) waitHealthy(timeout time.Duration, knowsReplica bool) error {
	deadline := time.Now().Add(timeout)
	for {
		err := d.checkHealthy(knowsReplica)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redistest: sentinel deployment not healthy after %v: %w", timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (d *Sentinel) checkHealthy(knowsReplica bool) error {
	if role, err := d.Master.Role(); err != nil || role != "master" {
		return fmt.Errorf("master %s: role %q (%v)", d.Master, role, err)
	}
	info, err := d.Replica.Info("replication")
	if err != nil {
		return err
	}
	if info["master_port"] != strconv.Itoa(d.Master.Port()) || info["master_link_status"] != "up" {
		return fmt.Errorf("replica %s: master_port %s, link %s", d.Replica, info["master_port"], info["master_link_status"])
	}
	v, err := d.Sentinel.Do("SENTINEL", "GET-MASTER-ADDR-BY-NAME", SentinelSet)
	if err != nil {
		return err
	}
	if a, ok := v.([]any); !ok || len(a) != 2 || a[1] != strconv.Itoa(d.Master.Port()) {
		return fmt.Errorf("sentinel names %v as master, want port %d", v, d.Master.Port())
	}
	if !knowsReplica {
		return nil
	}
	v, err = d.Sentinel.Do("SENTINEL", "REPLICAS", SentinelSet)
	if err != nil {
		return err
	}
	replicas, _ := v.([]any)
	for _, r := range replicas {
		f := pairs(r)
		if f["port"] == strconv.Itoa(d.Replica.Port()) && f["flags"] == "slave" && f["master-link-status"] == "ok" {
			return nil
		}
	}
	return fmt.Errorf("sentinel does not see replica %s as healthy: %v", d.Replica, v)
}

// pairs reads a flat field/value array reply into a map.
func pairs(v any) map[string]string {
	m := map[string]string{}
	a, _ := v.([]any)
	for i := 0; i+1 < len(a); i += 2 {
		k, _ := a[i].(string)
		val, _ := a[i+1].(string)
		m[k] = val
	}
	return m
}

// Failover asks the sentinel to promote the replica (SENTINEL FAILOVER,
// which does not wait for the replica to catch up: writes the old master
// acknowledged just before may be lost, as in a real failover) and waits
// until the deployment is healthy again with the roles swapped.
func (d *Sentinel) Failover(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	next := strconv.Itoa(d.Replica.Port())
	var last any
	var lastErr error
	for promoted := false; !promoted; {
		// A failover can abort (the sentinel found no replica fit to
		// promote, or did not see the promotion within failover-timeout,
		// as on a starved machine); SENTINEL FAILOVER answers INPROG while
		// one runs. Ask again once an attempt had its failover-timeout.
		if _, err := d.Sentinel.Do("SENTINEL", "FAILOVER", SentinelSet); err != nil && !isReply(err, "INPROG", "NOGOODSLAVE") {
			return err
		}
		attempt := time.Now().Add(failoverTimeout + 2*time.Second)
		for !promoted && time.Now().Before(attempt) {
			if time.Now().After(deadline) {
				return fmt.Errorf("redistest: sentinel did not promote %s within %v: %v %v", d.Replica, timeout, last, lastErr)
			}
			last, lastErr = d.Sentinel.Do("SENTINEL", "GET-MASTER-ADDR-BY-NAME", SentinelSet)
			a, ok := last.([]any)
			promoted = lastErr == nil && ok && len(a) == 2 && a[1] == next
			if !promoted {
				time.Sleep(50 * time.Millisecond)
			}
		}
	}
	d.Master, d.Replica = d.Replica, d.Master
	// The sentinel turns the old master into a replica only when it next
	// polls it (up to 10 s); do it now, as the sentinel will.
	if _, err := d.Replica.Do("REPLICAOF", "127.0.0.1", strconv.Itoa(d.Master.Port())); err != nil {
		return err
	}
	return d.WaitHealthy(time.Until(deadline))
}

// isReply reports whether err is an error reply with one of codes.
func isReply(err error, codes ...string) bool {
	var re RedisError
	if !errors.As(err, &re) {
		return false
	}
	for _, c := range codes {
		if strings.HasPrefix(string(re), c) {
			return true
		}
	}
	return false
}

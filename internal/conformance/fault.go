package conformance

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/internal/rt"
)

// RunFault runs continuous write load (faultWorkers goroutines of batches
// and single calls, every call with a unique id recorded by the ledger
// script) through the events a Redis Cluster really goes through, each on
// its own 3-master/3-replica cluster with a 1s cluster-node-timeout. After
// each event it reads Redis's own state back and checks that no call ran
// twice, that every call that returned success has its effect, that every
// call returned before its context expired, and that the runtime serves
// calls normally afterwards. The figures are logged per scenario.
//
// Calls that returned an error may or may not have run (a write whose reply
// was lost to a dropped connection is never retried, by design): they may
// count 0 or 1, never 2.
//
// Each backend's TestFault calls it with its Backend; it skips under -short.
func RunFault(t *testing.T, b Backend) {
	if testing.Short() {
		t.Skip("fault suite: five private clusters, about a minute and a half")
	}
	start := time.Now()
	defer func() { t.Logf("fault suite on %s took %v", b.Name(), time.Since(start).Round(time.Millisecond)) }()

	// 1. SCRIPT FLUSH on every node, again and again: every NOSCRIPT is
	// recovered, so not a single call may fail.
	t.Run("ScriptFlush", func(t *testing.T) {
		e := NewFaultEnv(t, b)
		f := e.Run(t, nil, func(l *Load) map[uint16]bool {
			flushes := 0
			for end := time.Now().Add(3 * time.Second); time.Now().Before(end); flushes++ {
				if err := e.Cluster.FlushAllScripts(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(50 * time.Millisecond)
			}
			t.Logf("%d rounds of SCRIPT FLUSH on all 6 nodes", flushes)
			return nil
		})
		if f.Errored != 0 {
			t.Errorf("%d calls failed; a script cache flush must cost no call", f.Errored)
		}
	})

	// 2. Coordinated failover (CLUSTER FAILOVER on the replica) of each
	// master in turn. The replica's script cache is flushed first, so the
	// new master starts without the script.
	t.Run("CoordinatedFailover", func(t *testing.T) {
		e := NewFaultEnv(t, b)
		f := e.Run(t, nil, func(l *Load) map[uint16]bool {
			for _, m := range e.Cluster.Masters() {
				rep := ReplicaOf(t, e.Cluster, m)
				if _, err := rep.Do("SCRIPT", "FLUSH"); err != nil {
					t.Fatal(err)
				}
				CoordinatedFailover(t, rep, m)
				if err := e.Cluster.WaitHealthy(FaultHealthy); err != nil {
					t.Fatal(err)
				}
				l.WaitCalls(300)
			}
			return nil
		})
		// No node goes away: every reply on the way (NOSCRIPT on the new
		// master, READONLY from the old one, MOVED) is recovered.
		if f.Errored != 0 {
			t.Errorf("%d calls failed in a coordinated failover: %v", f.Errored, f.ErrKinds)
		}
	})

	// 3. A master killed with SIGKILL; its replica takes over after the node
	// timeout; the old master restarts empty (no persistence) and rejoins as
	// a replica with an empty script cache. Writes the killed master had
	// acknowledged but not yet replicated are lost by Redis: they are
	// counted and logged as lost-to-failover, not as failures.
	t.Run("MasterKilled", func(t *testing.T) {
		e := NewFaultEnv(t, b)
		f := e.Run(t, nil, func(l *Load) map[uint16]bool {
			owners := SlotOwners(t, e.Cluster)
			m := owners[redistest.Slot(e.Tags[0])]
			rep := ReplicaOf(t, e.Cluster, m)
			loss := map[uint16]bool{}
			for s, o := range owners {
				if o == m {
					loss[uint16(s)] = true
				}
			}
			if err := m.Kill(); err != nil {
				t.Fatal(err)
			}
			killed := time.Now()
			WaitRole(t, rep, "master", FaultRoleWait)
			if err := e.Cluster.WaitHealthyExcept(FaultHealthy, m); err != nil {
				t.Fatal(err)
			}
			t.Logf("replica %s took over from killed %s in %v", rep.Addr(), m.Addr(), time.Since(killed).Round(time.Millisecond))
			l.WaitCalls(300)
			if err := os.Remove(filepath.Join(m.Dir(), "dump.rdb")); err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
			e.Start(t, m)
			if err := e.Cluster.WaitHealthy(FaultHealthy); err != nil {
				t.Fatal(err)
			}
			WaitRole(t, m, "slave", FaultRoleWait)
			return loss
		})
		if f.Lost > 0 {
			t.Logf("%d acknowledged calls lost to asynchronous replication when the master was killed (Redis's window, not the runtime's)", f.Lost)
		}
		noRetriedKinds(t, f)
		if f.Succeeded == 0 {
			t.Error("no call succeeded")
		}
	})

	// 4. Slots migrated from one master to another and back while half of
	// all calls hit them: calls meet TRYAGAIN (some keys moved, some not),
	// ASK (importing node, which lacks the script: NOSCRIPT after ASKING)
	// and MOVED (after SETSLOT NODE).
	t.Run("SlotMigration", func(t *testing.T) {
		e := NewFaultEnv(t, b)
		owners := SlotOwners(t, e.Cluster)
		src, dst := owners[0], owners[redistest.NumSlots-1]
		var slots []uint16
		for s := uint16(100); s < 132; s++ {
			if owners[s] != src {
				t.Fatalf("slot %d not on %s", s, src.Addr())
			}
			slots = append(slots, s)
		}
		hot := TagsInSlots(slots, 2)
		f := e.Run(t, hot, func(l *Load) map[uint16]bool {
			MigrateSlots(t, e.Cluster, src, dst, slots)
			if err := e.Cluster.WaitHealthy(FaultHealthy); err != nil {
				t.Fatal(err)
			}
			l.WaitCalls(300)
			MigrateSlots(t, e.Cluster, dst, src, slots)
			return nil
		})
		// The point of the scenario: calls were redirected both ways.
		if f.Server["ASK"] == 0 || f.Server["MOVED"] == 0 {
			t.Errorf("Redis sent ASK %d times and MOVED %d times; the migration should have produced both", f.Server["ASK"], f.Server["MOVED"])
		}
		// TRYAGAIN (keys of one call split mid-migration) means the call
		// did not run: the runtime retries it, so no call may fail here.
		if f.Errored > 0 {
			t.Errorf("%d calls failed during a slot migration; TRYAGAIN must be retried", f.Errored)
		}
	})

	// 5. Nodes restarted with SHUTDOWN NOSAVE: a replica (full resync, empty
	// script cache), then a master (Redis 7 waits for its replica to catch
	// up before exiting, so nothing acknowledged may be lost; the replica
	// takes over, the old master comes back empty as a replica).
	t.Run("NodeRestart", func(t *testing.T) {
		e := NewFaultEnv(t, b)
		f := e.Run(t, nil, func(l *Load) map[uint16]bool {
			rep := e.Cluster.Replicas()[0]
			shutdownNoSave(t, rep)
			e.Start(t, rep)
			if err := e.Cluster.WaitHealthy(FaultHealthy); err != nil {
				t.Fatal(err)
			}
			l.WaitCalls(300)

			m := e.Cluster.Masters()[0]
			mrep := ReplicaOf(t, e.Cluster, m)
			shutdownNoSave(t, m)
			WaitRole(t, mrep, "master", FaultRoleWait)
			if err := e.Cluster.WaitHealthyExcept(FaultHealthy, m); err != nil {
				t.Fatal(err)
			}
			l.WaitCalls(300)
			e.Start(t, m)
			if err := e.Cluster.WaitHealthy(FaultHealthy); err != nil {
				t.Fatal(err)
			}
			WaitRole(t, m, "slave", FaultRoleWait)
			return nil
		})
		noRetriedKinds(t, f)
		if f.Succeeded == 0 {
			t.Error("no call succeeded")
		}
	})
}

// noRetriedKinds fails t when a call returned a reply the runtime retries:
// TRYAGAIN, READONLY, NOREPLICAS and LOADING end within the retry budget in
// these scenarios. (CLUSTERDOWN may outlast it while a killed master's
// replica is elected, and connection errors may come after the script ran.)
func noRetriedKinds(t *testing.T, f Figures) {
	t.Helper()
	for _, k := range []string{"TRYAGAIN", "READONLY", "NOREPLICAS", "LOADING"} {
		if n := f.ErrKinds[k]; n > 0 {
			t.Errorf("%d calls failed with %s, which the runtime retries", n, k)
		}
	}
}

// FaultEnv is one scenario's private cluster and runner. Script is the
// ledger script the load calls (LedgerBody); a caller may replace it before
// Run by another with the same body, say a function of a library.
type FaultEnv struct {
	Cluster *redistest.RedisCluster
	Runner  Runner
	Script  *rt.Script
	Tags    []string
	backend Backend
}

// NewFaultEnv starts a private 3-master/3-replica cluster with the fault
// suite's node timeout and a runner of b on it.
func NewFaultEnv(t *testing.T, b Backend) *FaultEnv {
	t.Helper()
	// Created with the default node timeout, then lowered: nodes must
	// complete their MEET handshakes within the node timeout, which a loaded
	// machine can miss at 1s (redis-cli then waits forever for the join).
	cl := redistest.NewCluster(t)
	if err := cl.ForEach(setNodeTimeout); err != nil {
		t.Fatal(err)
	}
	return &FaultEnv{
		Cluster: cl,
		Runner:  connect(t, b, Deployment{Kind: Cluster, Addrs: cl.Addrs()}, Options{}),
		Script:  NewScript("ledger", LedgerBody, false),
		Tags:    spreadTags(512),
		backend: b,
	}
}

func setNodeTimeout(n *redistest.Server) error {
	_, err := n.Do("CONFIG", "SET", "cluster-node-timeout", strconv.FormatInt(faultNodeTTL.Milliseconds(), 10))
	return err
}

// Start restarts a stopped node (with the fault suite's node timeout).
func (e *FaultEnv) Start(t *testing.T, n *redistest.Server) {
	t.Helper()
	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	if err := setNodeTimeout(n); err != nil {
		t.Fatal(err)
	}
}

// Run starts the load (with hot tags if given), lets it warm up, runs the
// event, lets the load go on briefly, stops it, waits for a healthy cluster,
// verifies and logs the figures, and checks that calls work afterwards.
// event returns the slots where acknowledged writes may be lost, if any.
func (e *FaultEnv) Run(t *testing.T, hot []string, event func(*Load) map[uint16]bool) Figures {
	t.Helper()
	l := startLoad(e.Runner, e.Script, e.Tags, hot)
	l.WaitCalls(500)
	loss := event(l)
	l.WaitCalls(500)
	if rest := faultMinLoad - time.Since(l.began); rest > 0 {
		time.Sleep(rest)
	}
	recs := l.finish(t)
	if err := e.Cluster.WaitHealthy(FaultHealthy); err != nil {
		t.Fatal(err)
	}
	f := verifyLedger(t, e.Cluster, recs, loss, e.backend)
	f.Server = serverErrors(t, e.Cluster)
	t.Logf("figures: %s", f)
	t.Logf("error replies sent by Redis (INFO errorstats): %s", formatCounts(f.Server))
	finalCalls(t, e.Runner, e.Script, e.Tags)
	return f
}

// CoordinatedFailover promotes rep over its master m with CLUSTER FAILOVER,
// sent again if a manual failover times out (Redis gives it 5s).
func CoordinatedFailover(t *testing.T, rep, m *redistest.Server) {
	t.Helper()
	start := time.Now()
	for attempt := 1; ; attempt++ {
		if _, err := rep.Do("CLUSTER", "FAILOVER"); err != nil {
			t.Fatalf("CLUSTER FAILOVER on %s: %v", rep.Addr(), err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if role, err := rep.Role(); err == nil && role == "master" {
				WaitRole(t, m, "slave", FaultRoleWait)
				t.Logf("%s took over from %s in %v (attempt %d)", rep.Addr(), m.Addr(), time.Since(start).Round(time.Millisecond), attempt)
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		if attempt == 3 {
			t.Fatalf("CLUSTER FAILOVER on %s: still not master after %d attempts", rep.Addr(), attempt)
		}
	}
}

// shutdownNoSave sends SHUTDOWN NOSAVE and waits for the process to exit.
// The reply is the connection closing; an error reply means it refused.
func shutdownNoSave(t *testing.T, n *redistest.Server) {
	t.Helper()
	_, err := n.Do("SHUTDOWN", "NOSAVE")
	var re redistest.RedisError
	if errors.As(err, &re) {
		t.Fatalf("SHUTDOWN NOSAVE on %s: %v", n.Addr(), err)
	}
	waitStopped(t, n)
}

// MigrateSlots moves slots from src to dst the way redis-cli reshards:
// IMPORTING on dst and MIGRATING on src for all slots first (so calls meet
// the migration for its whole length), then MIGRATE of the keys in small
// batches, then SETSLOT NODE on dst, src and the other masters.
func MigrateSlots(t *testing.T, cl *redistest.RedisCluster, src, dst *redistest.Server, slots []uint16) {
	t.Helper()
	start := time.Now()
	srcID, dstID := nodeID(t, src), nodeID(t, dst)
	do := func(n *redistest.Server, args ...string) any {
		t.Helper()
		v, err := n.Do(args...)
		if err != nil {
			t.Fatalf("%s: %v: %v", n.Addr(), args, err)
		}
		return v
	}
	for _, s := range slots {
		slot := strconv.Itoa(int(s))
		do(dst, "CLUSTER", "SETSLOT", slot, "IMPORTING", srcID)
		do(src, "CLUSTER", "SETSLOT", slot, "MIGRATING", dstID)
	}
	moved := 0
	for _, s := range slots {
		slot := strconv.Itoa(int(s))
		for {
			keys, _ := do(src, "CLUSTER", "GETKEYSINSLOT", slot, "20").([]any)
			if len(keys) == 0 {
				break
			}
			args := []string{"MIGRATE", "127.0.0.1", strconv.Itoa(dst.Port()), "", "0", "5000", "KEYS"}
			for _, k := range keys {
				args = append(args, k.(string))
			}
			do(src, args...)
			moved += len(keys)
			time.Sleep(5 * time.Millisecond)
		}
	}
	others := cl.Masters()
	for _, s := range slots {
		slot := strconv.Itoa(int(s))
		do(dst, "CLUSTER", "SETSLOT", slot, "NODE", dstID)
		do(src, "CLUSTER", "SETSLOT", slot, "NODE", dstID)
		for _, m := range others {
			if m != src && m != dst {
				do(m, "CLUSTER", "SETSLOT", slot, "NODE", dstID)
			}
		}
	}
	t.Logf("migrated %d slots (%d keys) from %s to %s in %v", len(slots), moved, src.Addr(), dst.Addr(), time.Since(start).Round(time.Millisecond))
}

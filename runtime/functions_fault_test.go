package runtime_test

import (
	"strings"
	"testing"
	"time"

	"github.com/luagen/luagen/internal/conformance"
	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
)

// TestFunctionsSync puts an older build of a library on one master of the
// cluster (the hazard: that shard runs other code) and checks that Versions
// shows it, that Sync replaces it there and only there, and that calls
// then run this build's code.
func TestFunctionsSync(t *testing.T) {
	ctx := ctxT(t)
	cl := redistest.Cluster(t)
	c := newClient(t, cl.Addrs()...)
	r := runtime.New(c)
	lib, ss := newLibrary(t, libScript{name: "which", body: "return 'new:' .. KEYS[1]"})
	if err := r.Load(ctx, ss...); err != nil {
		t.Fatal(err)
	}
	key := "{" + prefix(t) + "}k"
	m := cl.MasterFor(key)
	old := strings.Replace(lib.Source(), "return 'new:' .. KEYS[1]", "return 'old:' .. KEYS[1]", 1)
	old = strings.Replace(old, "return '"+lib.Version()+"'", "return 'oldversion'", 1)
	if _, err := m.Do("FUNCTION", "LOAD", "REPLACE", old); err != nil {
		t.Fatal(err)
	}
	got, err := luagenimpl.Call(ctx, r, ss[0], []string{key}, nil, luagenimpl.DecodeString)
	if err != nil || got != "old:"+key {
		t.Fatalf("call on the stale master = %q, %v; want the old code's answer", got, err)
	}
	vs, err := r.Versions(ctx, lib)
	if err != nil {
		t.Fatal(err)
	}
	stale := 0
	for _, v := range vs {
		t.Logf("before Sync: %s %-6s %s version %s current=%v", v.Node, v.Role, v.Library, v.Version, v.Current)
		if !v.Current {
			stale++
			if v.Version != "oldversion" {
				t.Errorf("%s holds version %q; want oldversion", v.Node, v.Version)
			}
		}
	}
	// The master and (once replicated) its replica.
	if stale < 1 || stale > 2 {
		t.Fatalf("%d nodes hold another version; want the master and its replica", stale)
	}
	vs, err = r.Sync(ctx, lib)
	if err != nil {
		t.Fatal(err)
	}
	replaced := 0
	for _, v := range vs {
		if v.Replaced {
			replaced++
			if v.Node != m.Addr() {
				t.Errorf("Sync replaced the library on %s; only %s was stale", v.Node, m.Addr())
			}
		}
	}
	if replaced != 1 {
		t.Errorf("Sync replaced %d libraries; want 1", replaced)
	}
	got, err = luagenimpl.Call(ctx, r, ss[0], []string{key}, nil, luagenimpl.DecodeString)
	if err != nil || got != "new:"+key {
		t.Fatalf("call after Sync = %q, %v; want this build's answer", got, err)
	}
	// Replicas follow their master.
	deadline := time.Now().Add(10 * time.Second)
	for {
		vs, err = r.Versions(ctx, lib)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, v := range vs {
			if !v.Current {
				n++
			}
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d nodes still hold another version after Sync: %+v", n, vs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// newFunctionsFaultEnv is a fault environment (the conformance fault
// suite's, on rueidis) whose ledger is a function of a library.
func newFunctionsFaultEnv(t *testing.T) *conformance.FaultEnv {
	e := conformance.NewFaultEnv(t, rueidisBackend{})
	_, ss := newLibrary(t, libScript{name: "ledger", body: conformance.LedgerBody})
	e.Script = ss[0]
	return e
}

// TestFunctionsFault runs the fault suite's write load, through FCALL,
// through the events that lose or lack a library: FUNCTION FLUSH on every
// master again and again, a failover of each master, and a new empty master
// added to the cluster and given slots (a slot range migrated by hand, then
// a redis-cli reshard) while calls run. Not one call may fail, none may run
// twice, and every acknowledged one must have its effect.
func TestFunctionsFault(t *testing.T) {
	if testing.Short() {
		t.Skip("fault suite")
	}
	t.Run("FunctionFlush", func(t *testing.T) {
		e := newFunctionsFaultEnv(t)
		f := e.Run(t, nil, func(l *conformance.Load) map[uint16]bool {
			flushes := 0
			for end := time.Now().Add(3 * time.Second); time.Now().Before(end); flushes++ {
				for _, m := range e.Cluster.Masters() {
					if _, err := m.Do("FUNCTION", "FLUSH"); err != nil {
						t.Fatal(err)
					}
				}
				time.Sleep(50 * time.Millisecond)
			}
			t.Logf("%d rounds of FUNCTION FLUSH on all 3 masters", flushes)
			return nil
		})
		if f.Errored != 0 {
			t.Errorf("%d calls failed; a flushed library must cost no call: %v", f.Errored, f.ErrKinds)
		}
	})

	t.Run("CoordinatedFailover", func(t *testing.T) {
		e := newFunctionsFaultEnv(t)
		f := e.Run(t, nil, func(l *conformance.Load) map[uint16]bool {
			for _, m := range e.Cluster.Masters() {
				rep := conformance.ReplicaOf(t, e.Cluster, m)
				conformance.CoordinatedFailover(t, rep, m)
				if err := e.Cluster.WaitHealthy(conformance.FaultHealthy); err != nil {
					t.Fatal(err)
				}
				l.WaitCalls(300)
			}
			return nil
		})
		if f.Errored != 0 {
			t.Errorf("%d calls failed in a coordinated failover: %v", f.Errored, f.ErrKinds)
		}
	})

	t.Run("NewMaster", func(t *testing.T) {
		e := newFunctionsFaultEnv(t)
		owners := conformance.SlotOwners(t, e.Cluster)
		src := owners[0]
		var slots []uint16
		for s := uint16(100); s < 132; s++ {
			slots = append(slots, s)
		}
		hot := conformance.TagsInSlots(slots, 2)
		f := e.Run(t, hot, func(l *conformance.Load) map[uint16]bool {
			n := e.Cluster.AddMaster(t)
			t.Logf("added empty master %s", n.Addr())
			l.WaitCalls(300)
			// A slot range migrated to the master that never had the
			// library, four slots at a time: conformance.MigrateSlots keeps all its
			// slots migrating until the last key moved, and every call of
			// the ledger (which creates a key) gets TRYAGAIN meanwhile.
			for i := 0; i < len(slots); i += 4 {
				conformance.MigrateSlots(t, e.Cluster, src, n, slots[i:i+4])
			}
			if err := e.Cluster.WaitHealthy(conformance.FaultHealthy); err != nil {
				t.Fatal(err)
			}
			l.WaitCalls(300)
			// And a reshard by redis-cli from another master, under load.
			from := owners[redistest.NumSlots-1]
			start := time.Now()
			e.Cluster.Reshard(t, from.Addr(), n.Addr(), 300)
			t.Logf("redis-cli resharded 300 slots from %s to %s in %v", from.Addr(), n.Addr(), time.Since(start).Round(time.Millisecond))
			if err := e.Cluster.WaitHealthy(conformance.FaultHealthy); err != nil {
				t.Fatal(err)
			}
			l.WaitCalls(300)
			return nil
		})
		if f.Errored != 0 {
			t.Errorf("%d calls failed while a new master got slots: %v", f.Errored, f.ErrKinds)
		}
		now := conformance.SlotOwners(t, e.Cluster)
		if now[slots[0]] == src {
			t.Errorf("slot %d did not move", slots[0])
		}
	})
}

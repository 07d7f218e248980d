package conformance

// Helpers of the fault suite (fault.go): a load generator that records what
// every call id returned, a checker that reads Redis's own state back and
// counts doubled and missing calls, and cluster manipulation (roles, slot
// owners, node ids).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/internal/rt"
)

// LedgerBody records one call id: KEYS[1] is the id's own counter, so a
// call that ran twice shows up as 2 and one that never ran as 0; KEYS[2] is
// the total of its hash tag, which must equal the sum of the tag's counters
// (both are written by one atomic script).
const LedgerBody = `local n = redis.call('INCR', KEYS[1])
redis.call('INCR', KEYS[2])
return n`

const (
	faultWorkers   = 4
	faultBatchSize = 50
	faultSingles   = 5                       // single calls after each batch
	faultPause     = 3 * time.Millisecond    // per worker round: keeps 2 cores breathing
	faultCallTTL   = 5 * time.Second         // every call's own context timeout
	faultHangGrace = 3 * time.Second         // a call returning later than TTL+grace hung
	faultStopWait  = 60 * time.Second        // load goroutines must end by then
	FaultHealthy   = 60 * time.Second        // WaitHealthy timeouts
	FaultRoleWait  = 30 * time.Second        // role changes (failovers)
	faultVerifyTTL = 60 * time.Second        // reading the state back
	faultMinLoad   = 3 * time.Second         // the load runs at least this long per scenario
	faultNodeTTL   = 1000 * time.Millisecond // cluster-node-timeout of fault clusters
)

func nKey(tag string, id int64) string { return "{" + tag + "}:n:" + strconv.FormatInt(id, 10) }
func totalKey(tag string) string       { return "{" + tag + "}:t" }

// callRecord is what the client saw for one call id.
type callRecord struct {
	id      int64
	tag     string
	n       int64 // value returned on success
	err     error // nil on success
	elapsed time.Duration
	batched bool
}

// Load drives continuous write load: faultWorkers goroutines, each
// running a batch of faultBatchSize ledger calls then faultSingles single
// calls, every one with its own faultCallTTL context and a unique call id.
type Load struct {
	r      Runner
	script *rt.Script
	tags   []string // hash tags ids are spread over
	hot    []string // if set, every other id uses one of these tags instead

	next  atomic.Int64 // call ids
	done  atomic.Int64 // calls that returned
	stop  chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	recs  []callRecord
	began time.Time
}

func startLoad(r Runner, script *rt.Script, tags, hot []string) *Load {
	l := &Load{r: r, script: script, tags: tags, hot: hot, stop: make(chan struct{}), began: time.Now()}
	for range faultWorkers {
		l.wg.Add(1)
		go l.worker()
	}
	return l
}

func (l *Load) tagOf(id int64) string {
	if len(l.hot) > 0 && id%2 == 0 {
		return l.hot[(id/2)%int64(len(l.hot))]
	}
	return l.tags[id%int64(len(l.tags))]
}

func (l *Load) stopped() bool {
	select {
	case <-l.stop:
		return true
	default:
		return false
	}
}

func (l *Load) worker() {
	defer l.wg.Done()
	var recs []callRecord
	defer func() {
		l.mu.Lock()
		l.recs = append(l.recs, recs...)
		l.mu.Unlock()
	}()
	calls := make([]Call, faultBatchSize)
	ids := make([]int64, faultBatchSize)
	for !l.stopped() {
		ctx, cancel := context.WithTimeout(context.Background(), faultCallTTL)
		for i := range calls {
			id := l.next.Add(1)
			tag := l.tagOf(id)
			ids[i] = id
			calls[i] = Call{Script: l.script, Keys: []string{nKey(tag, id), totalKey(tag)}, Decode: Int64}
		}
		start := time.Now()
		res, _ := l.r.Batch(ctx, calls) // each future holds its own outcome
		elapsed := time.Since(start)
		cancel()
		for i, r := range res {
			recs = append(recs, callRecord{id: ids[i], tag: l.tagOf(ids[i]), n: r.Int(), err: r.Err, elapsed: elapsed, batched: true})
		}
		l.done.Add(faultBatchSize)

		for range faultSingles {
			id := l.next.Add(1)
			tag := l.tagOf(id)
			ctx, cancel := context.WithTimeout(context.Background(), faultCallTTL)
			start := time.Now()
			r := l.r.Call(ctx, l.script, []string{nKey(tag, id), totalKey(tag)}, nil, Int64)
			recs = append(recs, callRecord{id: id, tag: tag, n: r.Int(), err: r.Err, elapsed: time.Since(start)})
			cancel()
			l.done.Add(1)
		}
		time.Sleep(faultPause)
	}
}

// WaitCalls waits until n more calls returned, so that an event really
// happens under load; it gives up after a minute (the checks after the run
// would then report the problem with more detail).
func (l *Load) WaitCalls(n int64) {
	target := l.done.Load() + n
	deadline := time.Now().Add(time.Minute)
	for l.done.Load() < target && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

// finish stops the load and returns every call's record. A worker stuck past
// faultStopWait means a call ignored its context: that fails the test.
func (l *Load) finish(t *testing.T) []callRecord {
	t.Helper()
	close(l.stop)
	done := make(chan struct{})
	go func() { l.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(faultStopWait):
		var b strings.Builder
		pprof.Lookup("goroutine").WriteTo(&b, 1)
		t.Fatalf("load goroutines still running %v after stop: a call hangs past its context\n%s", faultStopWait, b.String())
	}
	t.Logf("load ran %v", time.Since(l.began).Round(time.Millisecond))
	return l.recs
}

// spreadTags returns n hash tags ("g0", "g1", ...) that land on n distinct
// slots, which the cluster spreads over every master.
func spreadTags(n int) []string {
	var tags []string
	seen := map[uint16]bool{}
	for i := 0; len(tags) < n; i++ {
		tag := "g" + strconv.Itoa(i)
		if s := redistest.Slot(tag); !seen[s] {
			seen[s] = true
			tags = append(tags, tag)
		}
	}
	return tags
}

// TagsInSlots returns perSlot hash tags for every slot in slots.
func TagsInSlots(slots []uint16, perSlot int) []string {
	want := map[uint16]int{}
	for _, s := range slots {
		want[s] = perSlot
	}
	var tags []string
	for i, left := 0, len(slots)*perSlot; left > 0; i++ {
		tag := "h" + strconv.Itoa(i)
		if s := redistest.Slot(tag); want[s] > 0 {
			want[s]--
			left--
			tags = append(tags, tag)
		}
	}
	return tags
}

// Figures are the results of one scenario, as logged.
type Figures struct {
	Issued, Succeeded, Errored int
	ErroredRan                 int // errored calls that had run nevertheless (allowed: a lost reply)
	Doubled, Missing, Lost     int
	Hung                       int
	MaxElapsed                 time.Duration
	ErrKinds                   map[string]int   // errors the calls returned, by kind
	Server                     map[string]int64 // error replies Redis sent, from INFO errorstats
}

func (f Figures) String() string {
	kinds := make([]string, 0, len(f.ErrKinds))
	for k, v := range f.ErrKinds {
		kinds = append(kinds, fmt.Sprintf("%s=%d", k, v))
	}
	slices.Sort(kinds)
	return fmt.Sprintf("issued=%d succeeded=%d errored=%d (of which ran=%d) doubled=%d missing=%d lost-to-failover=%d hung=%d max-latency=%v errors{%s}",
		f.Issued, f.Succeeded, f.Errored, f.ErroredRan, f.Doubled, f.Missing, f.Lost, f.Hung, f.MaxElapsed.Round(time.Millisecond), strings.Join(kinds, " "))
}

// ErrKind names an error for the figures: the Redis error code, or the kind
// of transport error (b's name for its own errors first).
func ErrKind(b Backend, err error) string {
	var se *rt.ScriptError
	if errors.As(err, &se) {
		return se.Code
	}
	if k := b.ErrKind(err); k != "" {
		return k
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "conn-refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "conn-reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "eof"
	case errors.Is(err, syscall.EPIPE):
		return "broken-pipe"
	}
	msg := err.Error()
	if len(msg) > 50 {
		msg = msg[:50]
	}
	return strconv.Quote(msg)
}

// SlotOwners maps every slot to the master serving it, from CLUSTER SLOTS of
// the first node that answers (WaitHealthy has made them agree).
func SlotOwners(t *testing.T, cl *redistest.RedisCluster) *[redistest.NumSlots]*redistest.Server {
	t.Helper()
	byPort := map[int64]*redistest.Server{}
	for _, n := range cl.Nodes() {
		byPort[int64(n.Port())] = n
	}
	for _, n := range cl.Nodes() {
		if !n.Running() {
			continue
		}
		v, err := n.Do("CLUSTER", "SLOTS")
		if err != nil {
			continue
		}
		var owners [redistest.NumSlots]*redistest.Server
		ranges, _ := v.([]any)
		for _, rg := range ranges {
			rr, _ := rg.([]any) // [start, end, [ip, port, id], replicas...]
			if len(rr) < 3 {
				continue
			}
			start, _ := rr[0].(int64)
			end, _ := rr[1].(int64)
			master, _ := rr[2].([]any)
			if len(master) < 2 {
				continue
			}
			port, _ := master[1].(int64)
			for s := start; s <= end; s++ {
				owners[s] = byPort[port]
			}
		}
		for s, o := range owners {
			if o == nil {
				t.Fatalf("slot %d has no master in CLUSTER SLOTS of %s", s, n.Addr())
			}
		}
		return &owners
	}
	t.Fatal("no cluster node answers CLUSTER SLOTS")
	return nil
}

// nodeID returns the cluster node id of n.
func nodeID(t *testing.T, n *redistest.Server) string {
	t.Helper()
	v, err := n.Do("CLUSTER", "MYID")
	if err != nil {
		t.Fatalf("CLUSTER MYID on %s: %v", n.Addr(), err)
	}
	return v.(string)
}

// ReplicaOf returns the replica currently replicating from master.
func ReplicaOf(t *testing.T, cl *redistest.RedisCluster, master *redistest.Server) *redistest.Server {
	t.Helper()
	for _, rep := range cl.Replicas() {
		info, err := rep.Info("replication")
		if err == nil && info["master_port"] == strconv.Itoa(master.Port()) {
			return rep
		}
	}
	t.Fatalf("no replica of %s among %v", master.Addr(), cl.Replicas())
	return nil
}

// WaitRole polls n's role until it is want.
func WaitRole(t *testing.T, n *redistest.Server, want string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		role, err := n.Role()
		if err == nil && role == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: role %q (%v) after %v, want %s", n.Addr(), role, err, timeout, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitStopped polls until n's process has exited (after SHUTDOWN sent by hand).
func waitStopped(t *testing.T, n *redistest.Server) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for n.Running() {
		if time.Now().After(deadline) {
			t.Fatalf("%s still running 30s after SHUTDOWN", n.Addr())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// verifyLedger reads every call id's counter (and every tag's total) back
// from the master serving it and compares with what the client saw.
//
// lossSlots, when not nil, are slots of a master killed during the run:
// acknowledged calls there whose effect is gone were lost by Redis's
// asynchronous replication and are counted as lost, not missing. Totals are
// not compared there for the same reason.
func verifyLedger(t *testing.T, cl *redistest.RedisCluster, recs []callRecord, lossSlots map[uint16]bool, b Backend) Figures {
	t.Helper()
	owners := SlotOwners(t, cl)
	deadline := time.Now().Add(faultVerifyTTL)

	type pending struct {
		keys []string
	}
	perNode := map[*redistest.Server]*pending{}
	keyIdx := map[string]int{}
	var allKeys []string
	add := func(key string) {
		if _, ok := keyIdx[key]; ok {
			return
		}
		keyIdx[key] = len(allKeys)
		allKeys = append(allKeys, key)
		o := owners[redistest.Slot(key)]
		if perNode[o] == nil {
			perNode[o] = &pending{}
		}
		perNode[o].keys = append(perNode[o].keys, key)
	}
	tagSet := map[string]bool{}
	for _, rc := range recs {
		add(nKey(rc.tag, rc.id))
		tagSet[rc.tag] = true
	}
	for tag := range tagSet {
		add(totalKey(tag))
	}
	values := make([]int64, len(allKeys))
	for node, p := range perNode {
		// A plain single-node connection per master: a GET that reached
		// the wrong node comes back MOVED and fails the test rather than
		// being followed.
		c, err := dialReader(node.Addr())
		if err != nil {
			t.Fatalf("reader connection to %s: %v", node.Addr(), err)
		}
		for start := 0; start < len(p.keys); start += 5000 {
			chunk := p.keys[start:min(start+5000, len(p.keys))]
			cmds := make([][]string, len(chunk))
			for i, k := range chunk {
				cmds[i] = []string{"GET", k}
			}
			replies, err := c.pipeline(deadline, cmds...)
			if err != nil {
				c.Close()
				t.Fatalf("GET on %s: %v", node.Addr(), err)
			}
			for i, v := range replies {
				switch v := v.(type) {
				case nil:
					values[keyIdx[chunk[i]]] = 0
				case string:
					n, err := strconv.ParseInt(v, 10, 64)
					if err != nil {
						t.Fatalf("GET %s on %s = %q", chunk[i], node.Addr(), v)
					}
					values[keyIdx[chunk[i]]] = n
				default:
					t.Fatalf("GET %s on %s: %v", chunk[i], node.Addr(), v)
				}
			}
		}
		replies, err := c.pipeline(deadline, []string{"DBSIZE"})
		c.Close()
		if err != nil {
			t.Fatalf("DBSIZE on %s: %v", node.Addr(), err)
		}
		size, ok := replies[0].(int64)
		if !ok {
			t.Fatalf("DBSIZE on %s = %v", node.Addr(), replies[0])
		}
		// Every key on a master is one of ours: a stray key (say, a copy left
		// behind by a migration) would be an effect counted nowhere else.
		var mine int64
		for _, k := range p.keys {
			if values[keyIdx[k]] != 0 {
				mine++
			}
		}
		if size != mine {
			t.Errorf("%s holds %d keys, %d of them expected", node.Addr(), size, mine)
		}
	}
	for _, m := range cl.Masters() {
		if perNode[m] == nil {
			if size, err := m.Do("DBSIZE"); err == nil && size.(int64) != 0 {
				t.Errorf("master %s serves no call's slot but holds %d keys", m.Addr(), size)
			}
		}
	}

	f := Figures{Issued: len(recs), ErrKinds: map[string]int{}}
	sums := map[string]int64{}
	var reported int
	report := func(format string, args ...any) {
		if reported++; reported <= 20 {
			t.Errorf(format, args...)
		}
	}
	for _, rc := range recs {
		n := values[keyIdx[nKey(rc.tag, rc.id)]]
		sums[rc.tag] += n
		f.MaxElapsed = max(f.MaxElapsed, rc.elapsed)
		if rc.elapsed > faultCallTTL+faultHangGrace {
			f.Hung++
			report("call %d took %v, past its %v context", rc.id, rc.elapsed, faultCallTTL)
		}
		if n > 1 {
			f.Doubled++
			report("call %d counted %d times (err %v)", rc.id, n, rc.err)
		}
		if rc.err != nil {
			f.Errored++
			kind := ErrKind(b, rc.err)
			if f.ErrKinds[kind]++; f.ErrKinds[kind] <= 2 {
				how := "single"
				if rc.batched {
					how = "batched"
				}
				t.Logf("a %s call failed (%s) after %v: %v", how, kind, rc.elapsed.Round(time.Millisecond), rc.err)
			}
			if n == 1 {
				f.ErroredRan++
			}
			continue
		}
		f.Succeeded++
		if rc.n != 1 {
			report("call %d returned %d, want 1: it ran more than once", rc.id, rc.n)
		}
		if n == 0 {
			if lossSlots[redistest.Slot(rc.tag)] {
				f.Lost++
			} else {
				f.Missing++
				report("call %d returned success but its counter is 0", rc.id)
			}
		}
	}
	for tag := range tagSet {
		total := values[keyIdx[totalKey(tag)]]
		if total != sums[tag] && !lossSlots[redistest.Slot(tag)] {
			report("tag %s: total %d, sum of its call counters %d", tag, total, sums[tag])
		}
	}
	if f.ErrKinds["NOSCRIPT"] > 0 {
		t.Errorf("%d calls failed with NOSCRIPT: the runtime must recover every NOSCRIPT", f.ErrKinds["NOSCRIPT"])
	}
	return f
}

// finalCalls checks that the runtime serves calls normally after an event:
// a batch of 100 calls and a few single calls, all succeeding once.
func finalCalls(t *testing.T, r Runner, script *rt.Script, tags []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	calls := make([]Call, 100)
	base := time.Now().UnixNano()
	for i := range calls {
		tag := tags[i%len(tags)]
		calls[i] = Call{Script: script, Keys: []string{nKey(tag+"f", base+int64(i)), totalKey(tag + "f")}, Decode: Int64}
	}
	res, err := r.Batch(ctx, calls)
	if err != nil {
		t.Fatalf("final batch after the event: %v", err)
	}
	for i, f := range res {
		if f.Err != nil || f.Int() != 1 {
			t.Fatalf("final batch call %d = %v, %v; want 1", i, f.Value, f.Err)
		}
	}
	for i := range 5 {
		tag := tags[(i*7)%len(tags)]
		if res := r.Call(ctx, script, []string{nKey(tag+"f", base-int64(i)-1), totalKey(tag + "f")}, nil, Int64); res.Err != nil || res.Int() != 1 {
			t.Fatalf("final single call %d = %v, %v; want 1", i, res.Value, res.Err)
		}
	}
}

// serverErrors sums INFO errorstats over the running nodes: how often
// Redis itself replied NOSCRIPT, MOVED, ASK, TRYAGAIN, CLUSTERDOWN... It
// shows that an event really put calls through what it is meant to (counts
// of restarted nodes start again from zero). A few dozen ERR are noise: the
// cluster's creation and the clients' CLIENT SETINFO on every new
// connection, which Redis 7.0 does not know.
func serverErrors(t *testing.T, cl *redistest.RedisCluster) map[string]int64 {
	t.Helper()
	total := map[string]int64{}
	err := cl.ForEach(func(n *redistest.Server) error {
		info, err := n.Info("errorstats")
		if err != nil {
			return err
		}
		for k, v := range info {
			code, ok := strings.CutPrefix(k, "errorstat_")
			if !ok {
				continue
			}
			count, _ := strings.CutPrefix(v, "count=")
			c, err := strconv.ParseInt(count, 10, 64)
			if err != nil {
				return fmt.Errorf("bad errorstats line %s:%s", k, v)
			}
			total[code] += c
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

func formatCounts(m map[string]int64) string {
	parts := make([]string, 0, len(m))
	for k, v := range m {
		parts = append(parts, fmt.Sprintf("%s=%d", k, v))
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

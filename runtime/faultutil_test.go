package runtime_test

// Helpers of the fault suite (fault_test.go) and of the bad-input and ACL
// tests: a load generator that records what every call id returned, a
// checker that reads Redis's own state back and counts doubled and missing
// calls, cluster manipulation (roles, slot owners, node ids) and a
// goroutine-leak check.

import (
	"context"
	"errors"
	"fmt"
	"io"
	goruntime "runtime"
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
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
	"github.com/redis/rueidis"
)

// faultLedgerBody records one call id: KEYS[1] is the id's own counter, so a
// call that ran twice shows up as 2 and one that never ran as 0; KEYS[2] is
// the total of its hash tag, which must equal the sum of the tag's counters
// (both are written by one atomic script).
const faultLedgerBody = `local n = redis.call('INCR', KEYS[1])
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
	faultHealthy   = 60 * time.Second        // WaitHealthy timeouts
	faultRoleWait  = 30 * time.Second        // role changes (failovers)
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
}

// faultLoad drives continuous write load: faultWorkers goroutines, each
// running a batch of faultBatchSize ledger calls then faultSingles single
// calls, every one with its own faultCallTTL context and a unique call id.
type faultLoad struct {
	r      *runtime.Runner
	script *runtime.Script
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

func startLoad(r *runtime.Runner, script *runtime.Script, tags, hot []string) *faultLoad {
	l := &faultLoad{r: r, script: script, tags: tags, hot: hot, stop: make(chan struct{}), began: time.Now()}
	for range faultWorkers {
		l.wg.Add(1)
		go l.worker()
	}
	return l
}

func (l *faultLoad) tagOf(id int64) string {
	if len(l.hot) > 0 && id%2 == 0 {
		return l.hot[(id/2)%int64(len(l.hot))]
	}
	return l.tags[id%int64(len(l.tags))]
}

func (l *faultLoad) stopped() bool {
	select {
	case <-l.stop:
		return true
	default:
		return false
	}
}

func (l *faultLoad) worker() {
	defer l.wg.Done()
	var recs []callRecord
	defer func() {
		l.mu.Lock()
		l.recs = append(l.recs, recs...)
		l.mu.Unlock()
	}()
	futs := make([]runtime.Future[int64], faultBatchSize)
	ids := make([]int64, faultBatchSize)
	for !l.stopped() {
		ctx, cancel := context.WithTimeout(context.Background(), faultCallTTL)
		b := l.r.NewBatch()
		for i := range futs {
			id := l.next.Add(1)
			tag := l.tagOf(id)
			ids[i] = id
			futs[i] = luagenimpl.Queue(b, l.script, []string{nKey(tag, id), totalKey(tag)}, nil, luagenimpl.DecodeInt64)
		}
		start := time.Now()
		_ = b.Exec(ctx) // each future holds its own outcome
		elapsed := time.Since(start)
		cancel()
		for i, f := range futs {
			n, err := f.Get()
			recs = append(recs, callRecord{id: ids[i], tag: l.tagOf(ids[i]), n: n, err: err, elapsed: elapsed})
		}
		l.done.Add(faultBatchSize)

		for range faultSingles {
			id := l.next.Add(1)
			tag := l.tagOf(id)
			ctx, cancel := context.WithTimeout(context.Background(), faultCallTTL)
			start := time.Now()
			n, err := luagenimpl.Call(ctx, l.r, l.script, []string{nKey(tag, id), totalKey(tag)}, nil, luagenimpl.DecodeInt64)
			recs = append(recs, callRecord{id: id, tag: tag, n: n, err: err, elapsed: time.Since(start)})
			cancel()
			l.done.Add(1)
		}
		time.Sleep(faultPause)
	}
}

// waitCalls waits until n more calls returned, so that an event really
// happens under load; it gives up after a minute (the checks after the run
// would then report the problem with more detail).
func (l *faultLoad) waitCalls(n int64) {
	target := l.done.Load() + n
	deadline := time.Now().Add(time.Minute)
	for l.done.Load() < target && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

// finish stops the load and returns every call's record. A worker stuck past
// faultStopWait means a call ignored its context: that fails the test.
func (l *faultLoad) finish(t *testing.T) []callRecord {
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

// tagsInSlots returns perSlot hash tags for every slot in slots.
func tagsInSlots(slots []uint16, perSlot int) []string {
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

// faultFigures are the results of one scenario, as logged.
type faultFigures struct {
	issued, succeeded, errored int
	erroredRan                 int // errored calls that had run nevertheless (allowed: a lost reply)
	doubled, missing, lost     int
	hung                       int
	maxElapsed                 time.Duration
	errKinds                   map[string]int   // errors the calls returned, by kind
	server                     map[string]int64 // error replies Redis sent, from INFO errorstats
}

func (f faultFigures) String() string {
	kinds := make([]string, 0, len(f.errKinds))
	for k, v := range f.errKinds {
		kinds = append(kinds, fmt.Sprintf("%s=%d", k, v))
	}
	slices.Sort(kinds)
	return fmt.Sprintf("issued=%d succeeded=%d errored=%d (of which ran=%d) doubled=%d missing=%d lost-to-failover=%d hung=%d max-latency=%v errors{%s}",
		f.issued, f.succeeded, f.errored, f.erroredRan, f.doubled, f.missing, f.lost, f.hung, f.maxElapsed.Round(time.Millisecond), strings.Join(kinds, " "))
}

// errKind names an error for the figures: the Redis error code, or the kind
// of transport error.
func errKind(err error) string {
	var se *runtime.ScriptError
	if errors.As(err, &se) {
		return se.Code
	}
	if re, ok := rueidis.IsRedisErr(err); ok {
		code, _, _ := strings.Cut(re.Error(), " ")
		return code
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
	case errors.Is(err, rueidis.ErrClosing):
		return "closing"
	}
	msg := err.Error()
	if len(msg) > 50 {
		msg = msg[:50]
	}
	return strconv.Quote(msg)
}

// slotOwners maps every slot to the master serving it, from CLUSTER SLOTS of
// the first node that answers (WaitHealthy has made them agree).
func slotOwners(t *testing.T, cl *redistest.RedisCluster) *[redistest.NumSlots]*redistest.Server {
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

// replicaOf returns the replica currently replicating from master.
func replicaOf(t *testing.T, cl *redistest.RedisCluster, master *redistest.Server) *redistest.Server {
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

// waitRole polls n's role until it is want.
func waitRole(t *testing.T, n *redistest.Server, want string, timeout time.Duration) {
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
func verifyLedger(t *testing.T, cl *redistest.RedisCluster, recs []callRecord, lossSlots map[uint16]bool) faultFigures {
	t.Helper()
	owners := slotOwners(t, cl)
	ctx, cancel := context.WithTimeout(context.Background(), faultVerifyTTL)
	defer cancel()

	// One plain single-node client per master: a GET that reached the wrong
	// node would come back MOVED and fail the test rather than be followed.
	clients := map[*redistest.Server]rueidis.Client{}
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	type pending struct {
		keys []string
		vals []int64
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
	var stored int64 // keys that exist
	for node, p := range perNode {
		c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{node.Addr()}, ForceSingleClient: true, DisableCache: true})
		if err != nil {
			t.Fatalf("reader client for %s: %v", node.Addr(), err)
		}
		clients[node] = c
		for start := 0; start < len(p.keys); start += 5000 {
			chunk := p.keys[start:min(start+5000, len(p.keys))]
			cmds := make(rueidis.Commands, len(chunk))
			for i, k := range chunk {
				cmds[i] = c.B().Get().Key(k).Build()
			}
			for i, res := range c.DoMulti(ctx, cmds...) {
				v, err := res.AsInt64()
				switch {
				case rueidis.IsRedisNil(err):
					v = 0
				case err != nil:
					t.Fatalf("GET %s on %s: %v", chunk[i], node.Addr(), err)
				default:
					stored++
				}
				values[keyIdx[chunk[i]]] = v
			}
		}
		size, err := c.Do(ctx, c.B().Dbsize().Build()).AsInt64()
		if err != nil {
			t.Fatalf("DBSIZE on %s: %v", node.Addr(), err)
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

	f := faultFigures{issued: len(recs), errKinds: map[string]int{}}
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
		f.maxElapsed = max(f.maxElapsed, rc.elapsed)
		if rc.elapsed > faultCallTTL+faultHangGrace {
			f.hung++
			report("call %d took %v, past its %v context", rc.id, rc.elapsed, faultCallTTL)
		}
		if n > 1 {
			f.doubled++
			report("call %d counted %d times (err %v)", rc.id, n, rc.err)
		}
		if rc.err != nil {
			f.errored++
			f.errKinds[errKind(rc.err)]++
			if n == 1 {
				f.erroredRan++
			}
			continue
		}
		f.succeeded++
		if rc.n != 1 {
			report("call %d returned %d, want 1: it ran more than once", rc.id, rc.n)
		}
		if n == 0 {
			if lossSlots[redistest.Slot(rc.tag)] {
				f.lost++
			} else {
				f.missing++
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
	if f.errKinds["NOSCRIPT"] > 0 {
		t.Errorf("%d calls failed with NOSCRIPT: the runtime must recover every NOSCRIPT", f.errKinds["NOSCRIPT"])
	}
	return f
}

// finalCalls checks that the runtime serves calls normally after an event:
// a batch of 100 calls and a few single calls, all succeeding once.
func finalCalls(t *testing.T, r *runtime.Runner, script *runtime.Script, tags []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b := r.NewBatch()
	futs := make([]runtime.Future[int64], 100)
	base := time.Now().UnixNano()
	for i := range futs {
		tag := tags[i%len(tags)]
		futs[i] = luagenimpl.Queue(b, script, []string{nKey(tag+"f", base+int64(i)), totalKey(tag + "f")}, nil, luagenimpl.DecodeInt64)
	}
	if err := b.Exec(ctx); err != nil {
		t.Fatalf("final batch after the event: %v", err)
	}
	for i, f := range futs {
		if n, err := f.Get(); err != nil || n != 1 {
			t.Fatalf("final batch call %d = %d, %v; want 1", i, n, err)
		}
	}
	for i := range 5 {
		tag := tags[(i*7)%len(tags)]
		if n, err := luagenimpl.Call(ctx, r, script, []string{nKey(tag+"f", base-int64(i)-1), totalKey(tag + "f")}, nil, luagenimpl.DecodeInt64); err != nil || n != 1 {
			t.Fatalf("final single call %d = %d, %v; want 1", i, n, err)
		}
	}
}

// serverErrors sums INFO errorstats over the running nodes: how often
// Redis itself replied NOSCRIPT, MOVED, ASK, TRYAGAIN, CLUSTERDOWN... It
// shows that an event really put calls through what it is meant to (counts
// of restarted nodes start again from zero). A few dozen ERR are noise: the
// cluster's creation and rueidis's CLIENT SETINFO on every new connection,
// which Redis 7.0 does not know.
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

// leakCheck records the number of goroutines; the returned func waits (up to
// 10s, for closed connections to wind down) until there are no more than
// that, and fails the test with a goroutine dump otherwise.
func leakCheck(t *testing.T) func() {
	t.Helper()
	before := goruntime.NumGoroutine()
	return func() {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			now := goruntime.NumGoroutine()
			if now <= before {
				return
			}
			if time.Now().After(deadline) {
				var b strings.Builder
				pprof.Lookup("goroutine").WriteTo(&b, 1)
				t.Fatalf("goroutine leak: %d goroutines before, %d after\n%s", before, now, b.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	rt "runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/luagen/luagen/bench/internal/gen"
	"github.com/luagen/luagen/bench/internal/genfn"
	"github.com/luagen/luagen/bench/internal/genredis"
	"github.com/luagen/luagen/goredis"
	"github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
)

// deployment is one Redis deployment and the clients the methods use.
type deployment struct {
	name        string
	addrs       []string
	expectNodes int // nodes the clients must see before the run (0: any)

	cluster      bool
	nodes        int
	redisVersion string
	rue          rueidis.Client        // the measured rueidis client (luagen, rueidis methods)
	admin        rueidis.Client        // preloading, SCRIPT FLUSH, verification
	gr           redis.UniversalClient // the measured go-redis client
	lg           *gen.Scripts
	lgfn         *genfn.Scripts    // the same scripts as a Functions library
	lgr          *genredis.Scripts // the same scripts on the go-redis backend, on gr
	// grap is gr's autopipeliner (go-redis's blocking face, its default
	// options): single calls from many goroutines share pipelines.
	grap  *redis.AutoPipeliner
	lgrap *genredis.Scripts // genredis on gr, WithAutoPipeline: single calls through grap
}

func (d *deployment) open(ctx context.Context) error {
	var err error
	opt := rueidis.ClientOption{InitAddress: d.addrs, DisableCache: true}
	// rueidis takes the topology from one node when it connects and leaves
	// out replicas that are not online yet; for a deployment the bench
	// started, wait until both clients see every node (scripts are loaded
	// and flushed on the nodes the clients know).
	deadline := time.Now().Add(15 * time.Second)
	for {
		if d.rue, err = rueidis.NewClient(opt); err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		if d.admin, err = rueidis.NewClient(opt); err != nil {
			d.rue.Close()
			return fmt.Errorf("%s: %w", d.name, err)
		}
		n1, n2 := len(d.rue.Nodes()), len(d.admin.Nodes())
		if d.expectNodes == 0 || (n1 >= d.expectNodes && n2 >= d.expectNodes) {
			break
		}
		d.rue.Close()
		d.admin.Close()
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: the client sees %d and %d of %d nodes", d.name, n1, n2, d.expectNodes)
		}
		time.Sleep(200 * time.Millisecond)
	}
	d.cluster = d.rue.Mode() == rueidis.ClientModeCluster
	if d.cluster {
		d.gr = redis.NewClusterClient(&redis.ClusterOptions{Addrs: d.addrs})
	} else {
		d.gr = redis.NewClient(&redis.Options{Addr: d.addrs[0]})
	}
	d.lg = gen.New(d.rue)
	d.lgfn = genfn.NewWithRunner(d.lg.Runner()) // one runner, as an application shares it
	d.lgr = genredis.New(d.gr)
	ap, ok := d.gr.(interface {
		AutoPipeline() (*redis.AutoPipeliner, error)
	})
	if !ok {
		return fmt.Errorf("%s: go-redis client %T has no AutoPipeline", d.name, d.gr)
	}
	if d.grap, err = ap.AutoPipeline(); err != nil {
		return fmt.Errorf("%s: go-redis AutoPipeline: %w", d.name, err)
	}
	// The runner's single calls go through that same autopipeliner
	// (go-redis shares one per client).
	d.lgrap = genredis.New(d.gr, goredis.WithAutoPipeline(true))
	nodes := d.admin.Nodes()
	d.nodes = len(nodes)
	for _, n := range nodes {
		info, err := n.Do(ctx, n.B().Info().Section("server").Build()).ToString()
		if err != nil {
			return fmt.Errorf("%s: INFO: %w", d.name, err)
		}
		for line := range strings.Lines(info) {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:"); ok {
				d.redisVersion = v
			}
		}
		break
	}
	return nil
}

func (d *deployment) close() {
	for _, c := range []rueidis.Client{d.rue, d.admin} {
		if c != nil {
			c.Close()
		}
	}
	if d.grap != nil {
		d.grap.Close()
	}
	if d.gr != nil {
		d.gr.Close()
	}
}

// flushScripts runs SCRIPT FLUSH on every node, replicas included, and
// FUNCTION FLUSH on every master (replicas follow theirs, and refuse it).
func (d *deployment) flushScripts(ctx context.Context) error {
	var errs []error
	for addr, n := range d.admin.Nodes() {
		if err := n.Do(ctx, n.B().ScriptFlush().Build()).Error(); err != nil {
			errs = append(errs, fmt.Errorf("SCRIPT FLUSH on %s: %w", addr, err))
		}
		err := n.Do(ctx, n.B().FunctionFlush().Build()).Error()
		if re, ok := rueidis.IsRedisErr(err); err != nil && !(ok && strings.HasPrefix(re.Error(), "READONLY")) {
			errs = append(errs, fmt.Errorf("FUNCTION FLUSH on %s: %w", addr, err))
		}
	}
	return errors.Join(errs...)
}

// preload loads every bench script on every node: the "preloaded" state
// that the EVALSHA-only methods need.
func (d *deployment) preload(ctx context.Context) error {
	return errors.Join(d.lg.Load(ctx), d.lgfn.Load(ctx), d.lgr.Load(ctx))
}

// scenario is one table: a deployment, a script size and a batch size
// (and for the storm, how often scripts are flushed).
type scenario struct {
	dep        *deployment
	script     scriptSpec
	batch      int
	stormEvery int // SCRIPT FLUSH every stormEvery batches; 0: no storm
	withSingle bool
	conc       int // goroutines of the single-call methods
	results    []*methodResult
}

func (s *scenario) title() string {
	t := fmt.Sprintf("%s, %s script (%d bytes), batch %d", s.dep.name, s.script.label, len(s.script.src), s.batch)
	if s.stormEvery > 0 {
		t = fmt.Sprintf("NOSCRIPT storm: %s, SCRIPT FLUSH on all %d nodes (and FUNCTION FLUSH on the masters) every %d batches of %d (every %d calls for single calls)",
			s.dep.name, s.dep.nodes, s.stormEvery, s.batch, s.stormEvery*s.batch)
	}
	return t
}

// methodResult is what one method did in one scenario, over all rounds.
type methodResult struct {
	m      *method
	ks     *keyset
	pipe   pipeFunc
	call   callFunc
	off    int   // next key pair
	ok     int64 // calls with a correct reply, warm-up included
	failed int64
	first  error

	rounds []roundResult
	lat    []time.Duration // per batch (per call for single-call methods), all rounds

	verified  bool
	verifyErr string

	// again is this method's second run (its control), if it has one:
	// ratios to this method use the mean of both runs of a round.
	again *methodResult
}

type roundResult struct {
	calls   int
	elapsed time.Duration
	flushes time.Duration // time spent in SCRIPT FLUSH (storm, batch methods), part of elapsed
	cpu     time.Duration // the bench process's user+system CPU time
	mallocs uint64
	bytes   uint64
}

func (r roundResult) callsPerSec() float64 { return float64(r.calls) / r.elapsed.Seconds() }

// callsPerSecNoFlush is callsPerSec without the time of the storm's SCRIPT
// FLUSHes: what the method's own recovery costs.
func (r roundResult) callsPerSecNoFlush() float64 {
	return float64(r.calls) / (r.elapsed - r.flushes).Seconds()
}

// report is the whole run.
type report struct {
	cfg       config
	deps      []*deployment
	scenarios []*scenario
	wall      time.Duration
	loadStart string
	loadEnd   string
}

// run measures every scenario on every deployment. Progress goes to log.
func run(ctx context.Context, cfg config, deps []*deployment, log io.Writer) (*report, error) {
	progressOut = log
	rep := &report{cfg: cfg, deps: deps, loadStart: loadAvg()}
	defer func() { rep.loadEnd = loadAvg() }()
	refBatch := cfg.batches[0]
	for _, b := range cfg.batches {
		if b == 100 {
			refBatch = b
		}
	}
	for _, d := range deps {
		if err := d.open(ctx); err != nil {
			return nil, err
		}
		defer d.close()
	}
	for _, d := range deps {
		for _, size := range cfg.scripts {
			for _, b := range cfg.batches {
				sc := &scenario{dep: d, script: scriptSizes[size], batch: b, withSingle: b == refBatch, conc: cfg.conc}
				if err := runScenario(ctx, cfg, sc, len(rep.scenarios)); err != nil {
					return nil, err
				}
				rep.scenarios = append(rep.scenarios, sc)
			}
		}
		if cfg.stormEvery > 0 {
			sc := &scenario{dep: d, script: scriptSizes[cfg.scripts[0]], batch: refBatch, stormEvery: cfg.stormEvery, withSingle: true, conc: cfg.conc}
			if err := runScenario(ctx, cfg, sc, len(rep.scenarios)); err != nil {
				return nil, err
			}
			rep.scenarios = append(rep.scenarios, sc)
			// Leave the deployment as found: scripts loaded.
			if err := d.preload(ctx); err != nil {
				return nil, err
			}
		}
	}
	return rep, nil
}

func runScenario(ctx context.Context, cfg config, sc *scenario, index int) error {
	start := time.Now()
	progress("%s", sc.title())
	d := sc.dep
	if err := d.preload(ctx); err != nil {
		return err
	}
	e := &env{dep: d, script: sc.script, lua: rueidis.NewLuaScript(sc.script.src), grs: redis.NewScript(sc.script.src)}
	for mi, m := range methods {
		if (m.single && !sc.withSingle) || (m.againOf != "" && sc.stormEvery > 0) || (m.stormControl && sc.stormEvery == 0) {
			continue
		}
		if len(cfg.only) > 0 && !slices.Contains(cfg.only, m.id) {
			continue
		}
		// Keys of the same length for every method (a longer key costs
		// Redis a little more): scenario and method number, two digits.
		ks := newKeyset(fmt.Sprintf("s%02d:m%02d", index, mi))
		r := &methodResult{m: m, ks: ks}
		r.pipe, r.call = m.build(e, ks, sc.batch)
		sc.results = append(sc.results, r)
	}
	for _, r := range sc.results {
		if first := sc.result(r.m.againOf); first != nil {
			first.again = r
		}
	}
	// Warm-up: connections, pools, the server's caches and the keys' first
	// writes (one call per key pair, or as many as fit in two round times,
	// so that measured rounds update keys rather than create them). These
	// calls count for verification like the measured ones.
	// The storm runs as many rounds as the other scenarios: its ratio to
	// its control is a target like the others, and with a flush every few
	// batches each round's figure swings more than a calm round's.
	calls, rounds := cfg.calls, cfg.rounds
	warm := nslots
	if cfg.quick {
		warm = calls
	}
	seq := sequence(sc.results)
	warmUp(ctx, sc, seq, warm, 2*cfg.roundTime)
	for round := range rounds {
		for _, i := range roundOrder(len(seq), round) {
			r := sc.results[seq[i]]
			// The label lets a CPU profile be split per method:
			// go tool pprof -tagfocus='method=^luagen$' -tagfocus='storm=true' ...
			pprof.Do(ctx, pprof.Labels("method", r.m.id, "storm", strconv.FormatBool(sc.stormEvery > 0)), func(ctx context.Context) {
				runMethod(ctx, sc, r, calls, cfg.roundTime, true)
			})
		}
	}
	if err := verify(ctx, sc); err != nil {
		return err
	}
	// What the report needs of a method is its counts and timings: drop
	// its keys and the closures that hold its futures and commands, and
	// collect, so that the next scenario starts on the heap the first one
	// did (a heap that grows through the run makes later scenarios pay
	// more for each GC than earlier ones).
	for _, r := range sc.results {
		r.ks, r.pipe, r.call = nil, nil, nil
	}
	rt.GC()
	progress("  done in %v", time.Since(start).Round(time.Millisecond))
	return nil
}

// warmChunk is how many calls a method makes in a turn of the warm-up.
const warmChunk = 1024

// warmUp makes warm calls of every method (fewer for one that takes longer
// than limit in all), in turns of warmChunk calls (rounded up to whole
// batches), the methods' order rotating each turn. The warm-up creates the
// keys, and where a key sits in its hash bucket's chain depends on when it
// was added (a new key goes to the head; an expansion's rehash reverses a
// chain): warmed up one method after the other, a method's keys sat
// deeper or shallower than another's for a whole scenario. go-redis's
// pipelined EvalSha, warmed up seven methods before its identical second
// run, read 1.01–1.10× in that second run (mean 1.055× over the twelve
// scenarios of two full runs); warmed up in turns, 0.97–1.03× (mean 1.00×).
func warmUp(ctx context.Context, sc *scenario, seq []int, warm int, limit time.Duration) {
	chunk := max(warmChunk, sc.batch)
	chunk -= chunk % sc.batch
	done := make([]int, len(sc.results))
	spent := make([]time.Duration, len(sc.results))
	for turn := 0; ; turn++ {
		left := false
		for _, j := range roundOrder(len(seq), turn) {
			i := seq[j]
			if done[i] >= warm || spent[i] >= limit {
				continue
			}
			start := time.Now()
			done[i] += runMethod(ctx, sc, sc.results[i], min(chunk, warm-done[i]), limit-spent[i], false)
			spent[i] += time.Since(start)
			left = true
		}
		if !left {
			return
		}
	}
}

// roundOrder is the order of n methods in a round: a Williams design, so
// that every method runs right after every other equally often (once over
// n rounds for even n, twice over 2n rounds for odd n) and which method
// goes first rotates. A method can leave
// the process or the servers in a state that slows the next one for a while
// (the 64-goroutine methods do); plain rotation would always hand that to
// the same successor.
func roundOrder(n, round int) []int {
	base := make([]int, n)
	lo, hi := 1, n-1
	for j := 1; j < n; j++ {
		if j%2 == 1 {
			base[j] = lo
			lo++
		} else {
			base[j] = hi
			hi--
		}
	}
	shift := round
	if n%2 == 1 {
		shift = round / 2
	}
	out := make([]int, n)
	for j, b := range base {
		out[j] = (b + shift) % n
	}
	if n%2 == 1 && round%2 == 1 {
		slices.Reverse(out)
	}
	return out
}

// runMethod runs calls calls of r's method, or fewer if limit (when not 0)
// passes first, and returns how many it made. When record is set it
// measures the run: wall time, CPU time, latency of every batch (or call)
// and the process's allocations (runtime.MemStats deltas). No collection is
// forced between runs: it would empty the sync.Pools (rueidis's and
// luagen's) that a program running batches all the time keeps warm, and with
// short runs over many rounds the collections that do happen fall on every
// method alike.
func runMethod(ctx context.Context, sc *scenario, r *methodResult, calls int, limit time.Duration, record bool) int {
	var lat []time.Duration
	if record {
		n := calls
		if !r.m.single {
			n = (calls + sc.batch - 1) / sc.batch
		}
		lat = make([]time.Duration, n)
	}
	var flushes time.Duration // batch methods only: single calls flush from one goroutine while the others go on
	flush := func() {
		if err := sc.dep.flushScripts(ctx); err != nil {
			progress("  %v", err)
		}
	}
	storm := sc.stormEvery > 0 && !r.m.stormControl
	if sc.stormEvery > 0 && r.m.stormControl {
		// The control starts where a run without flushes would be.
		if err := sc.dep.preload(ctx); err != nil {
			progress("  %v", err)
		}
	}
	var m0, m1 rt.MemStats
	rt.ReadMemStats(&m0)
	cpu0 := cpuTime()
	start := time.Now()
	var ok, failed int64
	var first error
	made := 0
	if r.m.single {
		ok, failed, first = runSingle(ctx, sc, r, calls, limit, lat, flush)
		made = int(ok + failed)
		lat = lat[:min(made, len(lat))]
	} else {
		b := 0
		for ; made < calls && (limit == 0 || time.Since(start) < limit); b++ {
			// Batches are counted over all of the method's runs, so
			// short runs flush as often as long ones.
			if k := r.off + made; storm && k > 0 && (k/sc.batch)%sc.stormEvery == 0 {
				t := time.Now()
				flush()
				flushes += time.Since(t)
			}
			n := min(sc.batch, calls-made)
			t := time.Now()
			good, err := r.pipe(ctx, r.off+made, n)
			if lat != nil {
				lat[b] = time.Since(t)
			}
			ok += int64(good)
			failed += int64(n - good)
			if err != nil && first == nil {
				first = err
			}
			made += n
		}
		lat = lat[:min(b, len(lat))]
	}
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	rt.ReadMemStats(&m1)
	prev := lastRun
	lastRun = r.m.id
	r.off += made
	r.ok += ok
	r.failed += failed
	if first != nil && r.first == nil {
		r.first = first
	}
	if record {
		rr := roundResult{calls: made, elapsed: elapsed, flushes: flushes, cpu: cpu, mallocs: m1.Mallocs - m0.Mallocs, bytes: m1.TotalAlloc - m0.TotalAlloc}
		r.rounds = append(r.rounds, rr)
		r.lat = append(r.lat, lat...)
		if verbose {
			progress("  round %d %-10s after %-10s %8.0f calls/s %5.1f µs CPU/call %4.1f allocs/call %3d GCs %6.1f MB heap", len(r.rounds), r.m.id, prev, rr.callsPerSec(),
				float64(rr.cpu)/float64(rr.calls)/1e3, float64(rr.mallocs)/float64(rr.calls), m1.NumGC-m0.NumGC, float64(m1.HeapAlloc)/1e6)
		}
	}
	return made
}

// runSingle makes up to calls calls from sc.conc goroutines, each taking
// the next call number until all are taken or limit passed. In a storm,
// the goroutine that takes call k·stormEvery·batch of the method (counted
// over all its runs) flushes the scripts
// first (the others go on meanwhile). Call numbers 0..ok+failed-1 are the
// ones made.
func runSingle(ctx context.Context, sc *scenario, r *methodResult, calls int, limit time.Duration, lat []time.Duration, flush func()) (ok, failed int64, first error) {
	var next atomic.Int64
	var stop atomic.Bool
	if limit > 0 {
		t := time.AfterFunc(limit, func() { stop.Store(true) })
		defer t.Stop()
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	every := int64(sc.stormEvery * sc.batch)
	off := int64(r.off)
	for range sc.conc {
		wg.Go(func() {
			var myOK, myFailed int64
			var myFirst error
			for !stop.Load() {
				i := next.Add(1) - 1
				if i >= int64(calls) {
					break
				}
				if k := off + i; every > 0 && k > 0 && k%every == 0 { // counted over all runs
					flush()
				}
				t := time.Now()
				err := r.call(ctx, int(off+i))
				if lat != nil {
					lat[i] = time.Since(t)
				}
				if err == nil {
					myOK++
				} else {
					myFailed++
					if myFirst == nil {
						myFirst = err
					}
				}
			}
			mu.Lock()
			ok += myOK
			failed += myFailed
			if first == nil {
				first = myFirst
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	return ok, failed, first
}

// cpuTime is the user plus system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// verbose prints every method's every round (-v).
var verbose bool

// lastRun is the id of the method that ran last (for -v).
var lastRun string

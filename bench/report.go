package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	rt "runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
)

// clean reports whether a method ran every call correctly and left Redis
// in the state its calls imply; only clean methods are ranked.
func (r *methodResult) clean() bool { return r.failed == 0 && r.verified }

func (r *methodResult) median(f func(roundResult) float64) float64 {
	if len(r.rounds) == 0 {
		return math.NaN()
	}
	v := make([]float64, len(r.rounds))
	for i, rr := range r.rounds {
		v[i] = f(rr)
	}
	return median(v)
}

func (r *methodResult) callsPerSec() float64 { return r.median(roundResult.callsPerSec) }

func (r *methodResult) callsPerSecNoFlush() float64 { return r.median(roundResult.callsPerSecNoFlush) }

// spread is half the range of the rounds' calls/s, relative to the median.
func (r *methodResult) spread() float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, rr := range r.rounds {
		lo, hi = min(lo, rr.callsPerSec()), max(hi, rr.callsPerSec())
	}
	return (hi - lo) / 2 / r.callsPerSec()
}

func (r *methodResult) allocsPerCall() float64 {
	return r.median(func(rr roundResult) float64 { return float64(rr.mallocs) / float64(rr.calls) })
}

func (r *methodResult) cpuPerCall() time.Duration {
	return time.Duration(r.median(func(rr roundResult) float64 { return float64(rr.cpu) / float64(rr.calls) }))
}

func (r *methodResult) bytesPerCall() float64 {
	return r.median(func(rr roundResult) float64 { return float64(rr.bytes) / float64(rr.calls) })
}

func (r *methodResult) percentile(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	s := slices.Clone(r.lat)
	slices.Sort(s)
	i := int(math.Ceil(p*float64(len(s)))) - 1
	return s[max(i, 0)]
}

func (s *scenario) result(id string) *methodResult {
	for _, r := range s.results {
		if r.m.id == id {
			return r
		}
	}
	return nil
}

// ratio is the median over rounds of a's calls/s over b's in the same
// round (the methods of a round run back to back, so a paired ratio cancels
// most of the drift between rounds); NaN when either is missing or not
// clean. When b ran twice (see method.againOf), b's calls/s in a round is
// the mean of its two runs there, which halves b's own noise; the second run
// itself is compared with the first alone, so that its row shows the noise
// floor undiluted.
func ratio(a, b *methodResult) float64 {
	v := roundRatios(a, b)
	if v == nil {
		return math.NaN()
	}
	return median(v)
}

// roundRatios is a's calls/s over b's in each round (see ratio); nil when
// they cannot be compared.
func roundRatios(a, b *methodResult) []float64 {
	if a == nil || b == nil || !a.clean() || !b.clean() || len(a.rounds) != len(b.rounds) || len(a.rounds) == 0 {
		return nil
	}
	again := b.again
	if again == a || again == nil || !again.clean() || len(again.rounds) != len(b.rounds) {
		again = nil
	}
	v := make([]float64, len(a.rounds))
	for i := range a.rounds {
		den := b.rounds[i].callsPerSec()
		if again != nil {
			den = (den + again.rounds[i].callsPerSec()) / 2
		}
		v[i] = a.rounds[i].callsPerSec() / den
	}
	return v
}

// interval is a 95% bootstrap interval of the median of v: the rounds
// resampled with replacement, the 2.5th and 97.5th percentiles of the
// resamples' medians (a fixed seed, so a report is reproducible from its
// rounds). It says how far a ratio could move in another run of the same
// rounds on the same machine.
func interval(v []float64) (lo, hi float64) {
	const resamples = 2000
	rng := rand.New(rand.NewPCG(3, 4))
	meds := make([]float64, resamples)
	w := make([]float64, len(v))
	for k := range meds {
		for i := range w {
			w[i] = v[rng.IntN(len(v))]
		}
		meds[k] = median(w)
	}
	slices.Sort(meds)
	return meds[resamples*25/1000], meds[resamples*975/1000-1]
}

func median(v []float64) float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func (r *methodResult) label(conc int) string {
	if r.m.single {
		return fmt.Sprintf("%s (%d goroutines)", r.m.name, conc)
	}
	return r.m.name
}

func (rep *report) write(w io.Writer) {
	cfg := rep.cfg
	fmt.Fprintf(w, "## luagen benchmark\n\n")
	fmt.Fprintf(w, "- Command: `%s`\n", cfg.command)
	fmt.Fprintf(w, "- Machine: %s\n", machine())
	fmt.Fprintf(w, "- Software: %s, %s\n", rt.Version(), depVersions())
	for _, d := range rep.deps {
		fmt.Fprintf(w, "- Deployment: %s, Redis %s, %d nodes seen by the client\n", d.name, d.redisVersion, d.nodes)
	}
	fmt.Fprintf(w, "- Workload: a token-bucket script (2 keys sharing a hash tag, 2 args, reply {allowed, remaining}), "+
		"key pairs spread over all 16384 slots in random order; %s calls per method per round (a method still running after %v stops there), "+
		"%d rounds after a warm-up, methods interleaved with the order changing each round (a Williams design: which method goes first rotates and each follows every other equally often; "+
		"a method with a target runs between its reference's two runs, at most two places from each); "+
		"single-call methods run from %d goroutines.\n",
		fmtInt(float64(cfg.calls)), cfg.roundTime, cfg.rounds, cfg.conc)
	fmt.Fprintf(w, "- Reading the tables: calls/s is the median round (± half the range of rounds); × hand-built is the median over rounds of "+
		"the method's calls/s over the hand-built DoMulti EVALSHA's in the same round; latency is per batch (per call for single-call methods), over all rounds; "+
		"client CPU/call is the bench process's user+system CPU time (getrusage) over a method's run divided by its calls, "+
		"and allocations and bytes per call are process-wide runtime.MemStats deltas (median rounds); "+
		"\"state\" checks Redis after the run: every successful call applied exactly once and nothing else. "+
		"A method with failed calls or a wrong state is marked ✗ and not ranked. "+
		"The hand-built DoMulti (and rueidis Lua.Exec, go-redis's pipelined EvalSha and Script.Run) run twice in every round: ratios to them divide by the mean of the two runs, "+
		"and the second run's ratio to the first (its own row) is the noise floor of those ratios. "+
		"In the targets, a ratio comes with a 95%% bootstrap interval of that median over the rounds: how far it could move in another run like this one.\n")
	fmt.Fprintf(w, "- Total run time: %v; load average (1 min) %s at the start, %s at the end (the Redis servers and the bench share the machine's CPUs: anything else running skews the numbers)\n",
		rep.wall.Round(time.Second), rep.loadStart, rep.loadEnd)

	for _, sc := range rep.scenarios {
		fmt.Fprintf(w, "\n### %s\n\n", sc.title())
		if sc.stormEvery > 0 {
			rep.writeStorm(w, sc)
			continue
		}
		ref := sc.result(refID)
		fmt.Fprintf(w, "| Method | calls/s | × hand-built | p50 | p99 | client CPU/call | allocs/call | bytes/call | state |\n")
		fmt.Fprintf(w, "|---|--:|--:|--:|--:|--:|--:|--:|---|\n")
		for _, r := range sc.results {
			x := "—"
			if r == ref && r.clean() {
				x = "1.00×"
			} else if v := ratio(r, ref); !math.IsNaN(v) {
				x = fmt.Sprintf("%.2f×", v)
			}
			fmt.Fprintf(w, "| %s | %s ±%.0f%% | %s | %s | %s | %.1f µs | %.1f | %s | %s |\n",
				r.label(sc.conc), fmtInt(r.callsPerSec()), 100*r.spread(), x,
				fmtDur(r.percentile(0.50)), fmtDur(r.percentile(0.99)),
				r.cpuPerCall().Seconds()*1e6, r.allocsPerCall(), fmtInt(r.bytesPerCall()), state(r))
		}
	}
	rep.writeTargets(w)
}

func (rep *report) writeStorm(w io.Writer, sc *scenario) {
	fmt.Fprintf(w, "| Method | calls succeeded | calls failed | calls/s | calls/s, flushes excluded | state | first error |\n")
	fmt.Fprintf(w, "|---|--:|--:|--:|--:|---|---|\n")
	for _, r := range sc.results {
		st := "✓"
		if !r.verified {
			st = "✗ " + r.verifyErr
		}
		first := ""
		if r.first != nil {
			first = mdEscape(short(r.first.Error(), 60))
		}
		noFlush := "—"
		if !r.m.single {
			noFlush = fmtInt(r.callsPerSecNoFlush())
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", r.label(sc.conc),
			fmtInt(float64(r.ok)), fmtInt(float64(r.failed)), fmtInt(r.callsPerSec()), noFlush, st, first)
	}
	fmt.Fprintf(w, "\nCalls include the warm-up; calls/s includes the time of the SCRIPT FLUSHes (one SCRIPT FLUSH per node, in turn, from another client), "+
		"the next column leaves it out (batch methods): what the method's own recovery costs.\n")
	if control := sc.result("luagen-calm"); control != nil {
		for _, id := range []string{"luagen", "luagen-ordered"} {
			if r := sc.result(id); r != nil {
				without, with, _, _ := stormRatio(r, control)
				fmt.Fprintf(w, "\n%s in the storm over the same pipeline without flushes in the same rounds (%s): %.2f× with the flushes' time excluded, %.2f× with it.\n",
					r.m.name, control.m.id, without, with)
			}
		}
	}
}

// verdict is a "≥ goal" target's outcome for a ratio v whose 95% interval
// ends at hi: met when v reaches the goal, a tie when only the interval
// does (this run cannot tell them apart), else missed.
func verdict(v, hi, goal float64) (met, tie bool) {
	met = v >= goal
	return met, !met && hi >= goal
}

// stormRatio is the median over rounds of r's calls/s in the storm over
// control's in the same round, without and with the time of the flushes,
// and the 95% interval of the first (see interval).
func stormRatio(r, control *methodResult) (without, with, lo, hi float64) {
	if len(r.rounds) != len(control.rounds) || len(r.rounds) == 0 || !r.clean() || !control.clean() {
		return math.NaN(), math.NaN(), math.NaN(), math.NaN()
	}
	a, b := make([]float64, len(r.rounds)), make([]float64, len(r.rounds))
	for i := range r.rounds {
		c := control.rounds[i].callsPerSec()
		a[i] = r.rounds[i].callsPerSecNoFlush() / c
		b[i] = r.rounds[i].callsPerSec() / c
	}
	lo, hi = interval(a)
	return median(a), median(b), lo, hi
}

func state(r *methodResult) string {
	switch {
	case r.failed > 0:
		return fmt.Sprintf("✗ %s of %s calls failed: %s", fmtInt(float64(r.failed)), fmtInt(float64(r.ok+r.failed)), mdEscape(short(r.first.Error(), 60)))
	case !r.verified:
		return "✗ " + mdEscape(r.verifyErr)
	}
	return "✓"
}

// target is one line of the target list.
type target struct {
	what     string
	measured string
	met      bool
	// tie: not met, but the ratio's 95% interval reaches the target, so
	// this run cannot tell the two apart (see interval).
	tie   bool
	known bool // false when the scenario was not run
}

func (rep *report) find(dep *deployment, script string, batch int, storm bool) *scenario {
	for _, sc := range rep.scenarios {
		if sc.dep != dep || storm != (sc.stormEvery > 0) {
			continue
		}
		if storm || (sc.script.label == script && sc.batch == batch) {
			return sc
		}
	}
	return nil
}

func (rep *report) targets() []target {
	if len(rep.deps) == 0 {
		return nil
	}
	dep := rep.deps[0]
	var out []target
	small, big := scriptSizes["small"].label, scriptSizes["4k"].label
	ratioTarget := func(what, script string, batch int, a, b string, goal float64) {
		sc := rep.find(dep, script, batch, false)
		t := target{what: fmt.Sprintf("%s — %s script, batch %d", what, script, batch)}
		if sc != nil && sc.result(a) != nil && sc.result(b) != nil {
			t.known = true
			rs := roundRatios(sc.result(a), sc.result(b))
			if rs == nil {
				t.measured = "not comparable (a method failed)"
			} else {
				v := median(rs)
				lo, hi := interval(rs)
				t.measured = fmt.Sprintf("%.3f× (95%% interval %.3f–%.3f", v, lo, hi)
				if again := sc.result(b).again; again != nil {
					if f := ratio(again, sc.result(b)); !math.IsNaN(f) {
						t.measured += fmt.Sprintf("; noise floor: its second run %.3f×", f)
					}
				}
				t.measured += ")"
				t.met, t.tie = verdict(v, hi, goal)
			}
		}
		out = append(out, t)
	}
	for _, script := range []string{small, big} {
		for _, b := range []int{100, 1000} {
			ratioTarget("luagen pipeline ≥ 0.97× hand-built DoMulti EVALSHA", script, b, "luagen", refID, 0.97)
		}
	}
	if sc := rep.find(dep, "", 0, true); sc != nil {
		// The storm proves something only if it flushed scripts under the
		// luagen calls: the hand-built EVALSHA pipeline, which has no
		// fallback, must have lost calls in it.
		flushed, proof := false, "hand-built pipeline not run"
		if ref := sc.result(refID); ref != nil {
			flushed = ref.failed > 0
			proof = fmt.Sprintf("hand-built pipeline: %s failed", fmtInt(float64(ref.failed)))
		}
		for _, id := range []string{"luagen", "luagen-int", "luagen-prefix", "luagen-ordered", "luagen-x", "luagen-fn", "luagen-fn-x", "luagen-gr", "luagen-gr-x", "luagen-gr-ap-x"} {
			r := sc.result(id)
			if r == nil {
				continue
			}
			out = append(out, target{
				what: fmt.Sprintf("NOSCRIPT storm: every %s call succeeds, state exact", r.m.name),
				measured: fmt.Sprintf("%s ok, %s failed, state %s (%s)", fmtInt(float64(r.ok)), fmtInt(float64(r.failed)),
					map[bool]string{true: "✓", false: "✗"}[r.verified], proof),
				met: r.clean() && flushed, known: true,
			})
		}
	}
	if sc := rep.find(dep, "", 0, true); sc != nil {
		t := target{what: fmt.Sprintf("NOSCRIPT storm: luagen pipeline ≥ 0.9× the same pipeline without flushes, same rounds (SCRIPT FLUSH time excluded) — %s script, batch %d", sc.script.label, sc.batch)}
		if storm, control := sc.result("luagen"), sc.result("luagen-calm"); storm != nil && control != nil {
			without, with, lo, hi := stormRatio(storm, control)
			t.known = true
			t.met, t.tie = verdict(without, hi, 0.9)
			t.measured = fmt.Sprintf("%.3f× (95%% interval %.3f–%.3f; flush time included: %.3f×)", without, lo, hi, with)
		}
		out = append(out, t)
	}
	ratioTarget("luagen pipeline with KeepOrder ≥ 0.95× luagen pipeline (KeepOrder costs ≤ 5%)", small, 100, "luagen-ordered", "luagen", 0.95)
	for _, b := range []int{10, 100, 1000} {
		ratioTarget("luagen functions pipeline ≥ 0.97× hand-built DoMulti FCALL", small, b, "luagen-fn", "dmfcall", 0.97)
		sc := rep.find(dep, small, b, false)
		t := target{what: fmt.Sprintf("allocs/call of luagen functions pipeline ≤ hand-built DoMulti FCALL + 1, as for EVALSHA — %s script, batch %d", small, b)}
		if sc != nil && sc.result("luagen-fn") != nil && sc.result("dmfcall") != nil {
			l, h := sc.result("luagen-fn").allocsPerCall(), sc.result("dmfcall").allocsPerCall()
			t.known, t.met = true, l <= h+1 && sc.result("luagen-fn").clean()
			t.measured = fmt.Sprintf("%.1f vs %.1f", l, h)
			if r := sc.result("luagen"); r != nil {
				t.measured += fmt.Sprintf(" (luagen EVALSHA pipeline: %.1f)", r.allocsPerCall())
			}
		}
		out = append(out, t)
	}
	for _, script := range []string{small, big} {
		for _, b := range []int{100, 1000} {
			ratioTarget("luagen pipeline with a key prefix ≥ 0.97× without", script, b, "luagen-prefix", "luagen", 0.97)
		}
	}
	for _, b := range []int{10, 100, 1000} {
		sc := rep.find(dep, small, b, false)
		t := target{what: fmt.Sprintf("allocs/call of luagen pipeline with a key prefix ≤ without — %s script, batch %d", small, b)}
		if sc != nil && sc.result("luagen-prefix") != nil && sc.result("luagen") != nil {
			p, l := sc.result("luagen-prefix").allocsPerCall(), sc.result("luagen").allocsPerCall()
			// allocsPerCall is a median of process-wide counts: a tenth of
			// an allocation per call is the rounding of its table.
			t.known, t.met = true, p <= l+0.05 && sc.result("luagen-prefix").clean()
			t.measured = fmt.Sprintf("%.1f vs %.1f", p, l)
		}
		out = append(out, t)
	}
	for _, script := range []string{small, big} {
		ratioTarget("luagen pipeline ≥ 1.35× rueidis Lua.ExecMulti", script, 100, "luagen", "execmulti", 1.35)
	}
	ratioTarget("luagen pipeline ≥ 2.3× rueidis DoMulti EVAL", big, 100, "luagen", "dmeval", 2.3)
	for _, b := range []int{10, 100, 1000} {
		script := small
		sc := rep.find(dep, script, b, false)
		t := target{what: fmt.Sprintf("allocs/call of luagen pipeline (string params) ≤ hand-built + 1 — %s script, batch %d", script, b)}
		if sc != nil && sc.result("luagen") != nil && sc.result(refID) != nil {
			l, h := sc.result("luagen").allocsPerCall(), sc.result(refID).allocsPerCall()
			t.known, t.met = true, l <= h+1 && sc.result("luagen").clean()
			t.measured = fmt.Sprintf("%.1f vs %.1f", l, h)
			if r := sc.result("luagen-int"); r != nil {
				t.measured += fmt.Sprintf(" (int64 params: %.1f)", r.allocsPerCall())
			}
		}
		out = append(out, t)
	}
	for _, script := range []string{small, big} {
		ratioTarget("luagen single calls ≥ 1.0× rueidis Lua.Exec, both from goroutines", script, 100, "luagen-x", "luaexec-x", 1.0)
	}
	// The go-redis backend against go-redis's own ways, on the same client.
	for _, script := range []string{small, big} {
		for _, b := range []int{10, 100, 1000} {
			ratioTarget("luagen pipeline on go-redis ≥ 0.97× go-redis pipelined EvalSha (preloaded)", script, b, "luagen-gr", "goredis", 0.97)
		}
	}
	for _, script := range []string{small, big} {
		for _, b := range []int{10, 100, 1000} {
			sc := rep.find(dep, script, b, false)
			t := target{what: fmt.Sprintf("allocs/call of luagen pipeline on go-redis ≤ go-redis pipelined EvalSha + 1 — %s script, batch %d", script, b)}
			if sc != nil && sc.result("luagen-gr") != nil && sc.result("goredis") != nil {
				l, h := sc.result("luagen-gr").allocsPerCall(), sc.result("goredis").allocsPerCall()
				t.known, t.met = true, l <= h+1 && sc.result("luagen-gr").clean()
				t.measured = fmt.Sprintf("%.1f vs %.1f", l, h)
			}
			out = append(out, t)
		}
	}
	for _, script := range []string{small, big} {
		ratioTarget("luagen single calls on go-redis ≥ 1.0× go-redis Script.Run, both from goroutines on one client", script, 100, "luagen-gr-x", "goredis-x", 1.0)
	}
	// go-redis's autopipelining makes concurrent single calls share
	// pipelines: luagen's WithAutoPipeline against Script.Run, plain and on
	// the same autopipeliner.
	for _, script := range []string{small, big} {
		ratioTarget("luagen single calls on go-redis WithAutoPipeline ≥ 1.0× go-redis Script.Run (faster where go-redis allows it)", script, 100, "luagen-gr-ap-x", "goredis-x", 1.0)
		ratioTarget("luagen single calls on go-redis WithAutoPipeline ≥ 1.0× go-redis Script.Run on the same AutoPipeline", script, 100, "luagen-gr-ap-x", "goredis-ap-x", 1.0)
	}
	return out
}

func (rep *report) writeTargets(w io.Writer) {
	ts := rep.targets()
	if len(ts) == 0 {
		return
	}
	fmt.Fprintf(w, "\n### Targets, %s\n\n", rep.deps[0].name)
	fmt.Fprintf(w, "| Target | measured | met |\n|---|---|---|\n")
	for _, t := range ts {
		if !t.known {
			fmt.Fprintf(w, "| %s | not run | — |\n", t.what)
			continue
		}
		verdict := "✗"
		switch {
		case t.met:
			verdict = "✓"
		case t.tie:
			verdict = "≈ within noise"
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", t.what, t.measured, verdict)
	}
}

// loadAvg is the 1-minute load average.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "unknown"
	}
	return f[0]
}

func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	kernel := ""
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = ", Linux " + strings.TrimSpace(string(b))
	}
	return fmt.Sprintf("nproc %d, %s, %s/%s%s, GOMAXPROCS %d", rt.NumCPU(), model, rt.GOOS, rt.GOARCH, kernel, rt.GOMAXPROCS(0))
}

func depVersions() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var out []string
	for _, d := range bi.Deps {
		switch d.Path {
		case "github.com/redis/rueidis", "github.com/redis/go-redis/v9":
			out = append(out, d.Path+" "+d.Version)
		}
	}
	return strings.Join(out, ", ")
}

// fmtInt formats a count with thousands separators.
func fmtInt(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	s := strconv.FormatInt(int64(math.Round(v)), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func fmtDur(d time.Duration) string {
	switch {
	case d == 0:
		return "—"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
}

func short(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

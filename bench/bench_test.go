package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/luagen/luagen/bench/internal/cluster"
)

// TestQuickRun runs the whole bench on a tiny workload against a local
// cluster and a standalone server, so the command cannot rot: every method
// must make every call and leave exactly the Redis state its calls imply,
// and in the NOSCRIPT storm every luagen call must succeed. It needs
// redis-server and redis-cli; without them it skips, unless CI=true.
func TestQuickRun(t *testing.T) {
	if _, _, err := cluster.Binaries(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	if testing.Short() {
		t.Skip("starts a Redis Cluster")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cl, err := cluster.StartCluster(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Stop()
	st, err := cluster.StartStandalone(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Stop()

	cfg, err := parseFlags([]string{"-quick", "-calls", "2000", "-rounds", "1", "-storm-every", "3"})
	if err != nil {
		t.Fatal(err)
	}
	deps := []*deployment{
		{name: "cluster", addrs: cl.Addrs(), expectNodes: 6},
		{name: "standalone", addrs: st.Addrs(), expectNodes: 1},
	}
	var log bytes.Buffer
	rep, err := run(ctx, cfg, deps, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if !deps[0].cluster || deps[1].cluster {
		t.Errorf("cluster mode: got %v and %v, want true and false", deps[0].cluster, deps[1].cluster)
	}
	// Script sizes × batch sizes, and the storm, per deployment.
	if want := 2 * (len(cfg.scripts)*len(cfg.batches) + 1); len(rep.scenarios) != want {
		t.Errorf("%d scenarios, want %d", len(rep.scenarios), want)
	}
	for _, sc := range rep.scenarios {
		for _, r := range sc.results {
			if len(r.rounds) != cfg.rounds || r.rounds[0].calls == 0 {
				t.Errorf("%s: %s: rounds %+v", sc.title(), r.m.name, r.rounds)
			}
			if !r.verified {
				t.Errorf("%s: %s: Redis state wrong: %s", sc.title(), r.m.name, r.verifyErr)
			}
			storm := sc.stormEvery > 0
			mustSucceed := !storm || strings.HasPrefix(r.m.id, "luagen") ||
				r.m.id == "execmulti" || r.m.id == "dmeval" || r.m.single
			if mustSucceed && r.failed > 0 {
				t.Errorf("%s: %s: %d of %d calls failed, first: %v", sc.title(), r.m.name, r.failed, r.ok+r.failed, r.first)
			}
			if storm && (r.m.id == refID || r.m.id == "goredis") && r.failed == 0 {
				t.Errorf("%s: %s: no call failed; the storm did not flush scripts", sc.title(), r.m.name)
			}
		}
	}
	var out bytes.Buffer
	rep.write(&out)
	for _, want := range []string{"## luagen benchmark", "| luagen pipeline |", "### NOSCRIPT storm", "### Targets"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("report:\n%s", out.String())
	}
}

// TestRoundOrder checks the Williams design: every round is a permutation
// and every method follows every other equally often: once over n rounds
// (n even), twice over 2n rounds (n odd); and methods next to each other
// in the sequence run at most two places apart (see runSequence).
func TestRoundOrder(t *testing.T) {
	for n := 1; n <= 10; n++ {
		rounds, want := n, 1
		if n%2 == 1 {
			rounds, want = 2*n, 2
		}
		follows := map[[2]int]int{}
		for r := range rounds {
			order := roundOrder(n, r)
			seen := map[int]bool{}
			for j, m := range order {
				if m < 0 || m >= n || seen[m] {
					t.Fatalf("n=%d round %d: %v is not a permutation", n, r, order)
				}
				seen[m] = true
				if j > 0 {
					follows[[2]int{order[j-1], m}]++
				}
			}
			pos := make([]int, n)
			for j, m := range order {
				pos[m] = j
			}
			for m := 1; m < n; m++ {
				if d := pos[m] - pos[m-1]; d < -2 || d > 2 {
					t.Errorf("n=%d round %d: %d and %d run %d places apart: %v", n, r, m-1, m, d, order)
				}
			}
		}
		for a := range n {
			for b := range n {
				if a != b && follows[[2]int{a, b}] != want {
					t.Errorf("n=%d: %d follows %d %d times, want %d", n, b, a, follows[[2]int{a, b}], want)
				}
			}
		}
	}
}

// TestRunSequence checks that runSequence lists every method once.
func TestRunSequence(t *testing.T) {
	seen := map[string]int{}
	for _, id := range runSequence {
		if !knownMethod(id) {
			t.Errorf("runSequence: unknown method %q", id)
		}
		seen[id]++
	}
	for _, id := range methodIDs() {
		if seen[id] != 1 {
			t.Errorf("runSequence lists %q %d times, want once", id, seen[id])
		}
	}
}

// TestInterval checks the bootstrap interval of a median: a point when
// every round agrees, around the median and reproducible otherwise, and
// narrower with more rounds of the same spread.
func TestInterval(t *testing.T) {
	if lo, hi := interval([]float64{1, 1, 1, 1}); lo != 1 || hi != 1 {
		t.Errorf("constant rounds: interval %v–%v, want 1–1", lo, hi)
	}
	spread := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = 0.8 + 0.4*float64(i%10)/9 // 0.8 … 1.2
		}
		return v
	}
	v := spread(20)
	lo, hi := interval(v)
	if m := median(v); !(lo < m && m < hi) {
		t.Errorf("interval %v–%v does not hold the median %v", lo, hi, m)
	}
	if lo2, hi2 := interval(v); lo2 != lo || hi2 != hi {
		t.Errorf("interval not reproducible: %v–%v then %v–%v", lo, hi, lo2, hi2)
	}
	if lo4, hi4 := interval(spread(80)); hi4-lo4 >= hi-lo {
		t.Errorf("80 rounds: interval %v–%v not narrower than 20 rounds' %v–%v", lo4, hi4, lo, hi)
	}
}

func TestVerdict(t *testing.T) {
	for _, c := range []struct {
		v, hi, goal float64
		met, tie    bool
	}{
		{0.98, 1.01, 0.97, true, false},
		{0.97, 0.99, 0.97, true, false},
		{0.96, 0.99, 0.97, false, true},
		{0.95, 0.969, 0.97, false, false},
	} {
		if met, tie := verdict(c.v, c.hi, c.goal); met != c.met || tie != c.tie {
			t.Errorf("verdict(%v, %v, %v) = %v, %v; want %v, %v", c.v, c.hi, c.goal, met, tie, c.met, c.tie)
		}
	}
}

// Command bench measures luagen against the other ways Go programs run Redis
// Lua scripts, in one run on one Redis deployment, and prints the results
// as a Markdown table.
//
// It starts a local Redis Cluster (3 masters, 3 replicas) unless -addr names
// an existing deployment, then runs the same workload through every method:
// a token-bucket script with two same-slot keys and two args, over keys
// spread on all 16384 slots, in a small and a ~4 KB (documented) version.
// Methods run interleaved (A B C ... A B C ...) over many short rounds, the
// order changing each round, and the median round is reported. Every method
// writes its own keys; after the run the bench checks that Redis holds
// exactly what the method's successful calls wrote.
//
// Usage (from the bench folder):
//
//	go run .              # full run (a few minutes)
//	go run . -quick       # quick run (under a minute)
//	go run . -standalone  # also against a standalone server
//	go run . -addr 127.0.0.1:7000,127.0.0.1:7001 -rounds 7 -batch 100
//
// -addr points the bench at an existing deployment: it writes keys named
// "{tag}:lgb:..." (deleting them afterwards) and, in the
// NOSCRIPT storm, runs SCRIPT FLUSH on every node. Do not point it at a
// deployment whose script cache matters.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	rt "runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/luagen/luagen/bench/internal/cluster"
)

// config is what the flags say.
type config struct {
	quick          bool
	addrs          []string // existing main deployment; empty: start a local cluster
	standalone     bool     // also run against a standalone server
	standaloneAddr string   // existing standalone server; empty: start one
	rounds         int
	batches        []int
	calls          int           // calls per method per round
	roundTime      time.Duration // a method's round stops early after this long
	stormEvery     int           // SCRIPT FLUSH every N batches in the storm scenario; 0 disables it
	conc           int           // goroutines of the single-call methods
	scripts        []string
	only           []string // method ids to run (all when empty)
	cpuprofile     string
	memprofile     string
	command        string // the command line, for the report
}

func defaults(quick bool) config {
	c := config{
		quick:      quick,
		rounds:     80,
		batches:    []int{10, 100, 1000},
		calls:      2000,
		roundTime:  time.Second,
		stormEvery: 10,
		conc:       64,
		scripts:    []string{"small", "4k"},
	}
	if quick {
		c.rounds = 12
		c.calls = 1000
		c.roundTime = 250 * time.Millisecond
	}
	return c
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if err := runMain(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	quick := fs.Bool("quick", false, "quick run (under a minute): fewer calls and rounds")
	addr := fs.String("addr", "", "comma-separated `host:port` list of an existing deployment (cluster or standalone) instead of starting a local cluster")
	standalone := fs.Bool("standalone", false, "also run against a standalone server (started locally unless -standalone-addr)")
	standaloneAddr := fs.String("standalone-addr", "", "existing standalone server `host:port` for -standalone")
	rounds := fs.Int("rounds", 0, "rounds per scenario (default 80, quick 12)")
	batch := fs.String("batch", "", "comma-separated batch sizes (default 10,100,1000)")
	calls := fs.Int("calls", 0, "calls per method per round (default 2000, quick 1000)")
	roundTime := fs.Duration("round-time", 0, "stop a method's round after this long even if it has not made -calls calls (default 1s, quick 250ms)")
	storm := fs.Int("storm-every", 10, "NOSCRIPT storm: SCRIPT FLUSH on all nodes every `N` batches (0 skips the storm)")
	conc := fs.Int("conc", 0, "goroutines of the single-call methods (default 64)")
	scripts := fs.String("script", "", "comma-separated script sizes: small, 4k (default both)")
	only := fs.String("only", "", "comma-separated method ids to run (e.g. luagen,dmsha; see the table), for profiling")
	fs.BoolVar(&verbose, "v", false, "print every method's every round to stderr")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the measured runs to `file`")
	memprofile := fs.String("memprofile", "", "write an allocation profile to `file` at the end")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	cfg := defaults(*quick)
	if *addr != "" {
		cfg.addrs = splitList(*addr)
	}
	cfg.standalone = *standalone || *standaloneAddr != ""
	cfg.standaloneAddr = *standaloneAddr
	if *rounds > 0 {
		cfg.rounds = *rounds
	}
	if *calls > 0 {
		cfg.calls = *calls
	}
	if *roundTime > 0 {
		cfg.roundTime = *roundTime
	}
	if *storm < 0 {
		return config{}, fmt.Errorf("-storm-every: %d is negative", *storm)
	}
	cfg.stormEvery = *storm
	if *conc > 0 {
		cfg.conc = *conc
	}
	if *batch != "" {
		cfg.batches = nil
		for _, s := range splitList(*batch) {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				return config{}, fmt.Errorf("-batch: %q is not a positive integer", s)
			}
			cfg.batches = append(cfg.batches, n)
		}
	}
	if *scripts != "" {
		cfg.scripts = nil
		for _, s := range splitList(*scripts) {
			if _, ok := scriptSizes[s]; !ok {
				return config{}, fmt.Errorf("-script: %q is not one of small, 4k", s)
			}
			cfg.scripts = append(cfg.scripts, s)
		}
	}
	if *only != "" {
		cfg.only = splitList(*only)
		for _, id := range cfg.only {
			if !knownMethod(id) {
				return config{}, fmt.Errorf("-only: unknown method id %q (known: %s)", id, strings.Join(methodIDs(), ", "))
			}
		}
	}
	cfg.cpuprofile, cfg.memprofile = *cpuprofile, *memprofile
	cfg.command = "cd bench && go run ."
	if len(args) > 0 {
		cfg.command += " " + strings.Join(args, " ")
	}
	return cfg, nil
}

func splitList(s string) []string {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// runMain starts what the run needs, stops it on exit or on SIGINT/SIGTERM,
// and prints the report to stdout.
func runMain(cfg config) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var started []*cluster.Deployment
	stopAll := func() {
		for _, d := range started {
			d.Stop()
		}
	}
	defer stopAll()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sig
		fmt.Fprintf(os.Stderr, "bench: %v: stopping the servers\n", s)
		cancel()
		stopAll()
		os.Exit(130)
	}()

	begin := time.Now()
	var deps []*deployment
	if len(cfg.addrs) == 0 {
		progress("starting a local Redis Cluster (3 masters, 3 replicas)...")
		d, err := cluster.StartCluster(ctx)
		if err != nil {
			return err
		}
		started = append(started, d)
		deps = append(deps, &deployment{name: "cluster 3+3 (local)", addrs: d.Addrs(), expectNodes: len(d.Addrs())})
	} else {
		deps = append(deps, &deployment{name: "existing deployment " + strings.Join(cfg.addrs, ","), addrs: cfg.addrs})
	}
	if cfg.standalone {
		if cfg.standaloneAddr != "" {
			deps = append(deps, &deployment{name: "standalone " + cfg.standaloneAddr, addrs: []string{cfg.standaloneAddr}})
		} else {
			progress("starting a local standalone Redis...")
			d, err := cluster.StartStandalone(ctx)
			if err != nil {
				return err
			}
			started = append(started, d)
			deps = append(deps, &deployment{name: "standalone (local)", addrs: d.Addrs(), expectNodes: 1})
		}
	}

	if cfg.memprofile != "" {
		// Record every allocation: exact counts per call site (slower).
		rt.MemProfileRate = 1
	}
	if cfg.cpuprofile != "" {
		f, err := os.Create(cfg.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	rep, err := run(ctx, cfg, deps, os.Stderr)
	if err != nil {
		return err
	}
	if cfg.memprofile != "" {
		f, err := os.Create(cfg.memprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		rt.GC() // the profile shows allocations as of the last GC
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			return err
		}
	}
	rep.wall = time.Since(begin)
	rep.write(os.Stdout)
	return nil
}

var progressOut io.Writer = os.Stderr

func progress(format string, args ...any) {
	fmt.Fprintf(progressOut, "bench: "+format+"\n", args...)
}

// Package redistest starts real redis-server processes (a standalone server
// and a 3-master/3-replica cluster) on free loopback ports for tests across
// the repository, so generated code and the runtime are exercised against
// the actual Redis scripting and cluster behaviour rather than a fake.
//
// Standalone and Cluster return instances shared by every test in the test
// binary: starting a cluster takes seconds, so each binary pays for it once.
// Because no single test owns them, a package using them must stop them from
// TestMain:
//
//	func TestMain(m *testing.M) { redistest.Main(m) }
//
// NewStandalone, NewCluster and NewClusterWith start private instances that
// are torn down by tb.Cleanup; use them for destructive tests (killing nodes,
// failovers, resetting stats while other tests run in parallel).
//
// Shared instances are not reset between tests: use unique keys or call
// FlushAll / FlushAllScripts at the start of a test that needs a clean state,
// and do not Stop or Kill their nodes.
//
// If redis-server is not installed, tests are skipped, unless CI=true, in
// which case they fail. LUAGEN_REDIS_SERVER and LUAGEN_REDIS_CLI override the
// binaries found in PATH.
package redistest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// mainActive records that Main wraps the tests, so shared instances (which
// only Main stops) are not started in a binary that would leak them.
var mainActive atomic.Bool

// Main runs the tests, stops every redis-server this package started (also
// when tests failed) and exits with the tests' exit code. Call it from
// TestMain.
func Main(m *testing.M) {
	mainActive.Store(true)
	code := m.Run()
	destroyAll()
	os.Exit(code)
}

// instance is a started Server or RedisCluster whose processes and temp dir
// must be removed when the binary exits or is interrupted.
type instance interface{ destroy() }

var registry = struct {
	sync.Mutex
	live    map[instance]bool
	closing bool
}{live: map[instance]bool{}}

var signalOnce sync.Once

// register must be called before an instance starts any process, so an
// interrupt arriving during startup still finds it.
func register(i instance) error {
	signalOnce.Do(handleSignals)
	registry.Lock()
	defer registry.Unlock()
	if registry.closing {
		return errors.New("redistest: shutting down")
	}
	registry.live[i] = true
	return nil
}

func unregister(i instance) {
	registry.Lock()
	defer registry.Unlock()
	delete(registry.live, i)
}

// destroyAll tears down every registered instance in parallel (a cluster
// holds six processes; killing them one by one would only add latency).
func destroyAll() {
	registry.Lock()
	registry.closing = true
	all := make([]instance, 0, len(registry.live))
	for i := range registry.live {
		all = append(all, i)
	}
	registry.Unlock()
	var wg sync.WaitGroup
	for _, i := range all {
		wg.Go(i.destroy)
	}
	wg.Wait()
}

// handleSignals stops the servers when the test binary is interrupted, then
// re-raises the signal so the binary still dies the way its caller expects.
// Pdeathsig covers the remaining case of the binary dying by SIGKILL or a
// crash, but only a clean stop also removes the temp dirs.
func handleSignals() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		sig := <-ch
		destroyAll()
		signal.Reset(sig.(syscall.Signal))
		syscall.Kill(os.Getpid(), sig.(syscall.Signal))
		time.Sleep(time.Second)
		os.Exit(1)
	}()
}

type binaries struct {
	server, cli string
}

// unusableError means Redis is not available here; tests skip on it outside CI.
type unusableError struct{ msg string }

func (e *unusableError) Error() string { return e.msg }

var bins struct {
	once sync.Once
	b    binaries
	err  error
}

// requireBinaries returns the Redis binaries or ends the test: Skip when
// Redis is missing on a developer machine, Fatal in CI where a silently
// skipped integration suite would hide regressions.
func requireBinaries(tb testing.TB) binaries {
	tb.Helper()
	bins.once.Do(func() { bins.b, bins.err = findBinaries() })
	var unusable *unusableError
	if errors.As(bins.err, &unusable) {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			tb.Fatal(bins.err)
		}
		tb.Skip(bins.err)
	}
	if bins.err != nil {
		tb.Fatal(bins.err)
	}
	return bins.b
}

const installHint = "install it with: apt-get install -y redis-server"

func findBinaries() (binaries, error) {
	var b binaries
	var err error
	if b.server, err = findBinary("redis-server", "LUAGEN_REDIS_SERVER"); err != nil {
		return b, err
	}
	if b.cli, err = findBinary("redis-cli", "LUAGEN_REDIS_CLI"); err != nil {
		return b, err
	}
	// CLUSTER SHARDS, which the health checks (and rueidis) rely on, is new
	// in Redis 7; fail with a clear message rather than a confusing timeout.
	out, err := exec.Command(b.server, "--version").Output()
	if err != nil {
		return b, fmt.Errorf("redistest: %s --version: %v", b.server, err)
	}
	m := regexp.MustCompile(`v=(\d+)\.`).FindSubmatch(out)
	if m == nil {
		return b, fmt.Errorf("redistest: cannot parse version from %q", out)
	}
	if major, _ := strconv.Atoi(string(m[1])); major < 7 {
		return b, &unusableError{fmt.Sprintf("redistest: %s is %q, need Redis >= 7; %s", b.server, out, installHint)}
	}
	return b, nil
}

func findBinary(name, env string) (string, error) {
	if p := os.Getenv(env); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			// An explicit override that does not work is a setup mistake,
			// not a reason to skip.
			return "", fmt.Errorf("redistest: %s=%q: %v", env, p, err)
		}
		return path, nil
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", &unusableError{fmt.Sprintf("redistest: %s not found in PATH (%s, or set %s)", name, installHint, env)}
	}
	return path, nil
}

// shared holds the per-binary instances; each is started at most once and a
// startup error is remembered so later tests fail fast with the same message.
var shared struct {
	standaloneOnce sync.Once
	standalone     *Server
	standaloneErr  error

	clusterOnce sync.Once
	cluster     *RedisCluster
	clusterErr  error

	standaloneReported, clusterReported atomic.Bool
}

// firstReport returns the full startup error (with log tails) for the first
// test that hits it and a one-line reference for every later one.
func firstReport(reported *atomic.Bool, what string, err error) string {
	if reported.Swap(true) {
		first, _, _ := strings.Cut(err.Error(), "\n")
		return fmt.Sprintf("redistest: shared %s failed to start (details in the first failing test): %s", what, first)
	}
	return err.Error()
}

func requireMain(tb testing.TB) {
	tb.Helper()
	if !mainActive.Load() {
		tb.Fatal("redistest: shared instances need TestMain to stop them; add\n\tfunc TestMain(m *testing.M) { redistest.Main(m) }\nor use NewStandalone/NewCluster")
	}
}

// Standalone returns the standalone server shared by all tests in this test
// binary, starting it on first use.
func Standalone(tb testing.TB) *Server {
	tb.Helper()
	b := requireBinaries(tb)
	requireMain(tb)
	shared.standaloneOnce.Do(func() {
		shared.standalone, shared.standaloneErr = startStandalone(b)
	})
	if shared.standaloneErr != nil {
		tb.Fatal(firstReport(&shared.standaloneReported, "standalone server", shared.standaloneErr))
	}
	return shared.standalone
}

// Cluster returns the 3-master/3-replica cluster shared by all tests in this
// test binary, starting it on first use (a few seconds). Every call verifies
// the cluster is still healthy, so a test that broke it is caught early.
func Cluster(tb testing.TB) *RedisCluster {
	tb.Helper()
	b := requireBinaries(tb)
	requireMain(tb)
	shared.clusterOnce.Do(func() {
		start := time.Now()
		shared.cluster, shared.clusterErr = startCluster(b, ClusterOptions{})
		if shared.clusterErr == nil {
			tb.Logf("redistest: shared cluster started in %v", time.Since(start).Round(time.Millisecond))
		}
	})
	if shared.clusterErr != nil {
		tb.Fatal(firstReport(&shared.clusterReported, "cluster", shared.clusterErr))
	}
	if err := shared.cluster.WaitHealthy(30 * time.Second); err != nil {
		tb.Fatal(err)
	}
	return shared.cluster
}

// NewStandalone starts a private standalone server, stopped and removed when
// the test ends.
func NewStandalone(tb testing.TB) *Server {
	tb.Helper()
	s, err := startStandalone(requireBinaries(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.destroy)
	return s
}

// NewCluster starts a private cluster with default options, stopped and
// removed when the test ends.
func NewCluster(tb testing.TB) *RedisCluster {
	tb.Helper()
	return NewClusterWith(tb, ClusterOptions{})
}

// NewClusterWith starts a private cluster with the given options, stopped and
// removed when the test ends.
func NewClusterWith(tb testing.TB, opts ClusterOptions) *RedisCluster {
	tb.Helper()
	b := requireBinaries(tb)
	start := time.Now()
	c, err := startCluster(b, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Logf("redistest: cluster started in %v", time.Since(start).Round(time.Millisecond))
	tb.Cleanup(c.destroy)
	return c
}

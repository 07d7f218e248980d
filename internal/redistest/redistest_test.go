package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestMain(m *testing.M) { Main(m) }

func TestCRC16(t *testing.T) {
	if got := crc16("123456789"); got != 0x31C3 {
		t.Fatalf("crc16(123456789) = %#x, want 0x31c3", got)
	}
}

func TestSlot(t *testing.T) {
	for key, want := range map[string]uint16{
		"foo":           12182,
		"bar":           5061,
		"":              0,
		"{foo}bar":      12182, // tag
		"x{foo}{bar}":   12182, // first tag wins
		"{}foo":         Slot("{}foo"),
		"foo{{bar}}zap": Slot("{bar"), // tag runs to the first '}'
	} {
		if got := Slot(key); got != want {
			t.Errorf("Slot(%q) = %d, want %d", key, got, want)
		}
	}
	if Slot("{user1000}.following") != Slot("{user1000}.followers") {
		t.Error("hash tags not honoured")
	}
	if Slot("{}foo") == Slot("foo") || Slot("{}foo") != crc16("{}foo")%NumSlots {
		t.Error("empty hash tag must hash the whole key")
	}
}

// TestSlotMatchesServer cross-checks Slot against CLUSTER KEYSLOT, including
// the hash tag edge cases.
func TestSlotMatchesServer(t *testing.T) {
	t.Parallel()
	c := Cluster(t)
	n := c.Nodes()[0]
	keys := []string{"foo", "bar", "", "{user1000}.following", "{}foo", "foo{}{bar}",
		"foo{{bar}}zap", "foo{bar}{zap}", "{", "}", "a{b", "a}b{c}", "\x00\xff", "ключ"}
	for i := range 200 {
		keys = append(keys, "key:"+strconv.Itoa(i))
	}
	for _, k := range keys {
		v, err := n.Do("CLUSTER", "KEYSLOT", k)
		if err != nil {
			t.Fatal(err)
		}
		if want := v.(int64); int64(Slot(k)) != want {
			t.Errorf("Slot(%q) = %d, server says %d", k, Slot(k), want)
		}
	}
}

func TestReadReply(t *testing.T) {
	in := "*6\r\n+OK\r\n-ERR boom\r\n:-42\r\n$5\r\nhe\r\nl\r\n$-1\r\n*3\r\n*0\r\n*-1\r\n*1\r\n$0\r\n\r\n"
	got, err := readReply(bufio.NewReader(strings.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	want := []any{"OK", RedisError("ERR boom"), int64(-42), "he\r\nl", nil, []any{[]any{}, nil, []any{""}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v\nwant %#v", got, want)
	}
	for _, bad := range []string{"?x\r\n", ":1\n", "$3\r\nabcd\r\n", "*2\r\n:1\r\n"} {
		if _, err := readReply(bufio.NewReader(strings.NewReader(bad))); err == nil {
			t.Errorf("readReply(%q) succeeded", bad)
		}
	}
}

func TestParseCommandStats(t *testing.T) {
	info := "# Commandstats\r\n" +
		"cmdstat_evalsha:calls=3,usec=10,usec_per_call=3.33,rejected_calls=0,failed_calls=1\r\n" +
		"cmdstat_script|load:calls=1,usec=5,usec_per_call=5.00,rejected_calls=0,failed_calls=0\r\n\r\n"
	got, err := parseCommandStats(info)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int64{"evalsha": 3, "script|load": 1}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if _, err := parseCommandStats("cmdstat_get:usec=1\r\n"); err == nil {
		t.Fatal("missing calls= not reported")
	}
}

func TestStandalone(t *testing.T) {
	t.Parallel()
	s := Standalone(t)
	if Standalone(t) != s {
		t.Fatal("Standalone is not shared")
	}
	if v, err := s.Do("PING"); err != nil || v != "PONG" {
		t.Fatalf("PING = %#v, %v", v, err)
	}
	if _, err := s.Do("SET", "redistest:standalone", "v"); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Do("GET", "redistest:standalone"); err != nil || v != "v" {
		t.Fatalf("GET = %#v, %v", v, err)
	}
	if v, err := s.Do("GET", "redistest:missing"); err != nil || v != nil {
		t.Fatalf("GET missing = %#v, %v", v, err)
	}
	_, err := s.Do("NOSUCHCOMMAND")
	var rerr RedisError
	if !errors.As(err, &rerr) || !strings.HasPrefix(string(rerr), "ERR unknown command") {
		t.Fatalf("unknown command error = %#v", err)
	}
	// The connection survives an error reply.
	if v, err := s.Do("PING"); err != nil || v != "PONG" {
		t.Fatalf("PING after error = %#v, %v", v, err)
	}
	if s.Addr() != "127.0.0.1:"+strconv.Itoa(s.Port()) {
		t.Fatalf("Addr %q does not match Port %d", s.Addr(), s.Port())
	}
}

func TestCommandStats(t *testing.T) {
	t.Parallel()
	s := NewStandalone(t) // private: resetting shared stats would race other tests
	if err := s.ResetStats(); err != nil {
		t.Fatal(err)
	}
	sha, err := s.Do("SCRIPT", "LOAD", "return 1")
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := s.Do("EVALSHA", sha.(string), "0"); err != nil {
			t.Fatal(err)
		}
	}
	stats, err := CommandStats(s)
	if err != nil {
		t.Fatal(err)
	}
	if stats["evalsha"] != 3 || stats["script|load"] != 1 || stats["eval"] != 0 {
		t.Fatalf("stats = %v", stats)
	}
}

// processGone reports whether pid no longer runs. A zombie counts as gone: if
// a child was only killed by Pdeathsig, nobody may reap it in a container.
func processGone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	_, rest, _ := strings.Cut(string(stat), ") ")
	return strings.HasPrefix(rest, "Z")
}

func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !processGone(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d still running", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestStopStart(t *testing.T) {
	t.Parallel()
	s := NewStandalone(t)
	port, pid := s.Port(), s.Pid()
	if _, err := s.Do("SET", "k", "v"); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if s.Pid() != 0 || s.Running() || !processGone(pid) {
		t.Fatalf("after Stop: Pid()=%d Running()=%v gone=%v", s.Pid(), s.Running(), processGone(pid))
	}
	if _, err := s.Do("PING"); err == nil {
		t.Fatal("PING succeeded on a stopped server")
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if s.Port() != port || s.Pid() == pid || s.Pid() == 0 {
		t.Fatalf("after Start: port %d (was %d), pid %d (was %d)", s.Port(), port, s.Pid(), pid)
	}
	if v, err := s.Do("GET", "k"); err != nil || v != nil {
		t.Fatalf("GET after restart = %#v, %v (data should not persist)", v, err)
	}
	if err := s.Start(); err == nil {
		t.Fatal("Start on a running server succeeded")
	}
	pid = s.Pid()
	if err := s.Kill(); err != nil {
		t.Fatal(err)
	}
	if !processGone(pid) {
		t.Fatal("Kill left the process running")
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Do("PING"); err != nil || v != "PONG" {
		t.Fatalf("PING = %#v, %v", v, err)
	}
	if !strings.Contains(s.LogTail(100), "Ready to accept connections") {
		t.Fatalf("unexpected log tail:\n%s", s.LogTail(100))
	}
}

func TestCluster(t *testing.T) {
	t.Parallel()
	c := Cluster(t)
	if len(c.Addrs()) != 6 || len(c.Nodes()) != 6 {
		t.Fatalf("Addrs() = %v", c.Addrs())
	}
	if m, r := c.Masters(), c.Replicas(); len(m) != 3 || len(r) != 3 {
		t.Fatalf("masters %v, replicas %v", m, r)
	}
	if len(c.MasterAddrs()) != 3 {
		t.Fatalf("MasterAddrs() = %v", c.MasterAddrs())
	}
	if err := c.ForEach(func(s *Server) error {
		if v, err := s.Do("PING"); err != nil || v != "PONG" {
			return fmt.Errorf("PING = %#v, %v", v, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	// Write through the owner of each key; the set of owners must cover all
	// three masters, and a non-owner must redirect with MOVED.
	used := map[*Server]bool{}
	for i := range 30 {
		key := "redistest:cluster:" + strconv.Itoa(i)
		owner := c.MasterFor(key)
		if owner == nil {
			t.Fatalf("MasterFor(%q) = nil", key)
		}
		used[owner] = true
		if _, err := owner.Do("SET", key, "v"+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
		if v, err := owner.Do("GET", key); err != nil || v != "v"+strconv.Itoa(i) {
			t.Fatalf("GET %s = %#v, %v", key, v, err)
		}
		for _, m := range c.Masters() {
			if m == owner {
				continue
			}
			_, err := m.Do("GET", key)
			if want := fmt.Sprintf("MOVED %d %s", Slot(key), owner.Addr()); err == nil || err.Error() != want {
				t.Fatalf("GET %s on non-owner: %v, want %s", key, err, want)
			}
		}
	}
	if len(used) != 3 {
		t.Fatalf("keys landed on %d masters, want 3", len(used))
	}

	if err := c.FlushAllScripts(); err != nil {
		t.Fatal(err)
	}
	if err := c.ForEach(func(s *Server) error {
		v, err := s.Do("SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")
		if err != nil || !reflect.DeepEqual(v, []any{int64(0)}) {
			return fmt.Errorf("SCRIPT EXISTS = %#v, %v", v, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// TestClusterStats uses a private cluster because it resets statistics.
func TestClusterStats(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a private cluster")
	}
	t.Parallel()
	c := NewCluster(t)
	if err := c.ResetStats(); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"a", "b", "c", "d"} {
		if _, err := c.MasterFor(key).Do("EVAL", "return 1", "1", key); err != nil {
			t.Fatal(err)
		}
	}
	stats, err := c.CommandStats()
	if err != nil {
		t.Fatal(err)
	}
	if stats["eval"] != 4 {
		t.Fatalf("eval calls = %d, want 4 (%v)", stats["eval"], stats)
	}
	if err := c.FlushAll(); err != nil {
		t.Fatal(err)
	}
	// FlushAll waits for replication, so replicas are empty right away.
	if err := c.ForEach(func(s *Server) error {
		if n, err := s.Do("DBSIZE"); err != nil || n != int64(0) {
			return fmt.Errorf("DBSIZE = %#v, %v", n, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// TestClusterFailover exercises the fault-test workflow: kill a master, wait
// for its replica to take over, restart it and wait until it rejoins.
func TestClusterFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a private cluster and waits for a failover")
	}
	t.Parallel()
	c := NewClusterWith(t, ClusterOptions{NodeTimeout: time.Second})
	old := c.MasterFor("foo")
	if old == nil {
		t.Fatal("no master for foo")
	}
	if err := old.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitHealthy(time.Second); err == nil {
		t.Fatal("WaitHealthy succeeded with a node down")
	}
	start := time.Now()
	if err := c.WaitHealthyExcept(30*time.Second, old); err != nil {
		t.Fatal(err)
	}
	t.Logf("failover took %v", time.Since(start).Round(time.Millisecond))
	promoted := c.MasterFor("foo")
	if promoted == nil || promoted == old {
		t.Fatalf("after failover MasterFor(foo) = %v", promoted)
	}
	if len(c.Masters()) != 3 || len(c.Replicas()) != 2 {
		t.Fatalf("masters %v replicas %v", c.Masters(), c.Replicas())
	}
	// Cluster-wide helpers skip the dead node.
	if err := c.FlushAllScripts(); err != nil {
		t.Fatal(err)
	}
	if err := c.FlushAll(); err != nil {
		t.Fatal(err)
	}

	if err := old.Start(); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	if err := c.WaitHealthy(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	t.Logf("rejoin took %v", time.Since(start).Round(time.Millisecond))
	if role, err := old.Role(); err != nil || role != "slave" {
		t.Fatalf("restarted ex-master role = %q, %v", role, err)
	}
	if len(c.Masters()) != 3 || len(c.Replicas()) != 3 {
		t.Fatalf("masters %v replicas %v", c.Masters(), c.Replicas())
	}
}

// TestHelperProcess is run in a child process by TestMainStopsServers.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv("REDISTEST_HELPER")
	if mode == "" {
		t.Skip("only run as a child of TestMainStopsServers")
	}
	s := Standalone(t)
	fmt.Printf("server pid=%d dir=%s\n", s.Pid(), s.Dir())
	switch mode {
	case "fail":
		t.Fatal("deliberate failure: Main must still stop the server")
	case "signal":
		time.Sleep(time.Minute)
		t.Fatal("expected to be interrupted")
	}
}

// TestMainStopsServers runs the test binary as a child that starts the
// shared server and then fails or gets SIGTERM, and checks that Main (or the
// signal handler) stopped the server and removed its directory.
func TestMainStopsServers(t *testing.T) {
	requireBinaries(t)
	for _, mode := range []string{"fail", "signal"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), "REDISTEST_HELPER="+mode)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var pid int
			var dir, output string
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				output += sc.Text() + "\n"
				if _, err := fmt.Sscanf(sc.Text(), "server pid=%d dir=%s", &pid, &dir); err == nil {
					break
				}
			}
			if pid == 0 {
				cmd.Wait()
				t.Fatalf("child did not report a server:\n%s%s", output, stderr.String())
			}
			if mode == "signal" {
				cmd.Process.Signal(syscall.SIGTERM)
			}
			for sc.Scan() {
				output += sc.Text() + "\n"
			}
			if err := cmd.Wait(); err == nil {
				t.Fatalf("child succeeded, want failure:\n%s", output)
			}
			waitGone(t, pid)
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("server dir %s not removed (%v):\n%s%s", dir, err, output, stderr.String())
			}
		})
	}
}

func TestSentinel(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Sentinel deployment")
	}
	d := NewSentinel(t)
	first := d.Master.Port()
	if _, err := d.Master.Do("SET", "k", "v"); err != nil {
		t.Fatal(err)
	}
	if n, err := d.Master.Do("WAIT", "1", "5000"); err != nil || n != int64(1) {
		t.Fatalf("WAIT: %v, %v", n, err) // the write must reach the replica before it takes over
	}
	if err := d.Failover(60 * time.Second); err != nil {
		t.Fatal(err)
	}
	if d.Master.Port() == first || d.Replica.Port() != first {
		t.Fatalf("roles not swapped: master %d, replica %d (master was %d)", d.Master.Port(), d.Replica.Port(), first)
	}
	if v, err := d.Master.Do("GET", "k"); err != nil || v != "v" {
		t.Fatalf("GET k on the new master: %v, %v", v, err)
	}
}

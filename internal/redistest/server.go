package redistest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	readyTimeout   = 10 * time.Second
	stopTimeout    = 5 * time.Second
	commandTimeout = 30 * time.Second
	dialTimeout    = 2 * time.Second
	logName        = "redis.log"
	outputName     = "output.log" // stdout/stderr: config errors appear here before the log file is opened
)

// Server is one redis-server process: a standalone server or a cluster node.
// Its port and directory stay the same across Stop/Kill and Start.
type Server struct {
	bin     string
	dir     string
	port    int
	cluster bool
	extra   []string
	ownsDir bool   // standalone servers own their temp dir; cluster nodes share the cluster's
	conf    string // a sentinel's config file (sentinel mode needs one it can rewrite)

	mu        sync.Mutex // guards the fields below and serializes lifecycle changes
	cmd       *exec.Cmd
	exited    chan struct{} // closed when cmd has been waited for
	destroyed bool

	connMu sync.Mutex
	conn   *respConn // cached connection for Do, dropped on lifecycle changes and I/O errors
}

// Addr returns "127.0.0.1:port".
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// Port returns the client port.
func (s *Server) Port() int { return s.port }

// Dir returns the server's working directory (redis.log, nodes.conf).
func (s *Server) Dir() string { return s.dir }

func (s *Server) String() string { return s.Addr() }

// Pid returns the process id, or 0 when the server is not running.
func (s *Server) Pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.runningLocked() {
		return 0
	}
	return s.cmd.Process.Pid
}

// Running reports whether the process is alive (as far as this package knows:
// it was started and has not exited).
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runningLocked()
}

func (s *Server) runningLocked() bool {
	if s.cmd == nil {
		return false
	}
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

func (s *Server) args() []string {
	a := []string{
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", "no",
		"--dir", s.dir,
		"--logfile", filepath.Join(s.dir, logName),
		"--protected-mode", "no",
		"--daemonize", "no",
		// The default 5s delay lets more replicas join one diskless sync;
		// with one replica per master it only slows every (re)sync down.
		"--repl-diskless-sync-delay", "0",
		// CLUSTER SHARDS reports a replica as "loading" until its replication
		// offset is non-zero, which on an idle master only happens with the
		// first replication PING (default every 10s). Ping every second so
		// replicas become "online" (and usable by rueidis) promptly.
		"--repl-ping-replica-period", "1",
	}
	a = append(a, s.extra...)
	if s.conf != "" {
		a = append([]string{s.conf, "--sentinel"}, a...)
	}
	return a
}

// Start starts the (stopped) server again on the same port and directory and
// waits until it answers. A cluster node keeps its nodes.conf and rejoins the
// cluster; data is not persisted, so a restarted node starts empty.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.destroyed {
		return fmt.Errorf("redistest: %s: already torn down", s.Addr())
	}
	if s.runningLocked() {
		return fmt.Errorf("redistest: %s: already running", s.Addr())
	}
	return s.startLocked()
}

// startError is a failed start; addrInUse lets the caller retry on another port.
type startError struct {
	msg       string
	addrInUse bool
}

func (e *startError) Error() string { return e.msg }

func (s *Server) startLocked() error {
	s.dropConn()
	out, err := os.OpenFile(filepath.Join(s.dir, outputName), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close() // the child has its own copy of the descriptor
	cmd := exec.Command(s.bin, s.args()...)
	cmd.Dir = s.dir
	cmd.Stdout, cmd.Stderr = out, out
	// Kill the server if the test binary dies without running Main's cleanup
	// (crash, panic, SIGKILL).
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	// Pdeathsig really fires when the forking OS thread exits, and Go exits a
	// thread when a goroutine locked to it (runtime.LockOSThread) ends. Fork
	// from a fresh, never-locked goroutine so the caller's locking cannot
	// kill the server when that caller returns.
	started := make(chan error, 1)
	go func() { started <- cmd.Start() }()
	if err := <-started; err != nil {
		return fmt.Errorf("redistest: start %s: %w", s.bin, err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	s.cmd, s.exited = cmd, exited
	if err := s.waitReady(cmd, exited); err != nil {
		s.signalAndWaitLocked(syscall.SIGKILL, 0)
		return err
	}
	return nil
}

// waitReady polls until the server answers with its own pid. Checking the
// pid, not just PING, matters: if our server failed to bind because another
// test binary's server grabbed the port, that other server would answer PING.
func (s *Server) waitReady(cmd *exec.Cmd, exited chan struct{}) error {
	deadline := time.Now().Add(readyTimeout)
	var lastErr error
	for {
		select {
		case <-exited:
			tail := s.startupOutput()
			return &startError{
				msg:       fmt.Sprintf("redistest: redis-server on %s exited during startup (%v):\n%s", s.Addr(), cmd.ProcessState, tail),
				addrInUse: strings.Contains(tail, "Address already in use"),
			}
		default:
		}
		pid, err := s.probePid()
		if err == nil && pid == cmd.Process.Pid {
			return nil
		}
		if err == nil {
			err = fmt.Errorf("port answered by pid %d, ours is %d", pid, cmd.Process.Pid)
		}
		lastErr = err
		if time.Now().After(deadline) {
			return &startError{msg: fmt.Sprintf("redistest: redis-server on %s not ready after %v: %v\n%s", s.Addr(), readyTimeout, lastErr, s.startupOutput())}
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *Server) probePid() (int, error) {
	c, err := dialRESP(s.Addr(), 200*time.Millisecond)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if _, err := c.do(time.Second, "PING"); err != nil {
		return 0, err
	}
	v, err := c.do(time.Second, "INFO", "server")
	if err != nil {
		return 0, err
	}
	str, _ := v.(string)
	return strconv.Atoi(parseInfo(str)["process_id"])
}

func (s *Server) startupOutput() string {
	var b strings.Builder
	if out, _ := os.ReadFile(filepath.Join(s.dir, outputName)); len(out) > 0 {
		fmt.Fprintf(&b, "--- %s:\n%s\n", outputName, lastLines(string(out), 20))
	}
	fmt.Fprintf(&b, "--- %s:\n%s", logName, s.LogTail(30))
	return b.String()
}

// Stop shuts the server down with SIGTERM (no data is saved: persistence is
// disabled) and waits; after 5s it is killed and an error is returned.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.runningLocked() {
		return nil
	}
	if !s.signalAndWaitLocked(syscall.SIGTERM, stopTimeout) {
		return fmt.Errorf("redistest: %s did not exit within %v of SIGTERM; killed", s.Addr(), stopTimeout)
	}
	return nil
}

// Kill kills the server with SIGKILL, simulating a crash, and waits for it.
func (s *Server) Kill() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runningLocked() {
		s.signalAndWaitLocked(syscall.SIGKILL, 0)
	}
	return nil
}

// signalAndWaitLocked sends sig and waits for the exit; if it does not come
// within timeout (0: no limit) the process is SIGKILLed. It reports whether
// the process exited without that escalation.
func (s *Server) signalAndWaitLocked(sig syscall.Signal, timeout time.Duration) bool {
	s.dropConn()
	defer func() { s.cmd = nil }()
	s.cmd.Process.Signal(sig)
	if timeout > 0 {
		select {
		case <-s.exited:
			return true
		case <-time.After(timeout):
			s.cmd.Process.Kill()
		}
	}
	<-s.exited
	return timeout == 0
}

// destroy kills the process and removes what it owns; used by Main and
// cleanups, where a graceful shutdown would only cost time.
func (s *Server) destroy() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.destroyed {
		return
	}
	s.destroyed = true
	if s.runningLocked() {
		s.signalAndWaitLocked(syscall.SIGKILL, 0)
	}
	releasePort(s.port, s.cluster)
	if s.ownsDir {
		os.RemoveAll(s.dir)
		unregister(s)
	}
}

func (s *Server) dropConn() {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
}

// Do sends a raw command and returns the decoded reply: string (simple or
// bulk), int64, []any, or nil. An error reply is returned as a RedisError
// error; connection failures as other errors. Do is safe for concurrent use
// (commands are serialized on one connection); it times out after 30s.
func (s *Server) Do(args ...string) (any, error) {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.conn == nil {
		c, err := dialRESP(s.Addr(), dialTimeout)
		if err != nil {
			return nil, err
		}
		s.conn = c
	}
	v, err := s.conn.do(commandTimeout, args...)
	if err != nil {
		var rerr RedisError
		if errors.As(err, &rerr) {
			return nil, rerr
		}
		// The stream may be out of sync now; never reuse it.
		s.conn.Close()
		s.conn = nil
		return nil, fmt.Errorf("redistest: %s: %s: %w", s.Addr(), strings.Join(args, " "), err)
	}
	return v, nil
}

// doString runs a command whose reply is a string (INFO, CLUSTER NODES).
func (s *Server) doString(args ...string) (string, error) {
	v, err := s.Do(args...)
	if err != nil {
		return "", err
	}
	str, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("redistest: %s: %s: unexpected reply %#v", s.Addr(), strings.Join(args, " "), v)
	}
	return str, nil
}

// Info returns the fields of INFO section (all default sections if section
// is "") as a map, e.g. Info("replication")["role"].
func (s *Server) Info(section string) (map[string]string, error) {
	args := []string{"INFO"}
	if section != "" {
		args = append(args, section)
	}
	str, err := s.doString(args...)
	if err != nil {
		return nil, err
	}
	return parseInfo(str), nil
}

func parseInfo(s string) map[string]string {
	m := map[string]string{}
	for line := range strings.Lines(s) {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[k] = v
		}
	}
	return m
}

// Role returns "master" or "slave" as reported live by ROLE.
func (s *Server) Role() (string, error) {
	v, err := s.Do("ROLE")
	if err != nil {
		return "", err
	}
	if arr, ok := v.([]any); ok && len(arr) > 0 {
		if role, ok := arr[0].(string); ok {
			return role, nil
		}
	}
	return "", fmt.Errorf("redistest: %s: unexpected ROLE reply %#v", s.Addr(), v)
}

// ResetStats resets INFO statistics (CONFIG RESETSTAT), e.g. before counting
// commands with CommandStats.
func (s *Server) ResetStats() error {
	_, err := s.Do("CONFIG", "RESETSTAT")
	return err
}

// FlushAll deletes all keys (FLUSHALL). It does not touch the script cache.
func (s *Server) FlushAll() error {
	_, err := s.Do("FLUSHALL")
	return err
}

// LogTail returns the last n lines of the server's redis.log.
func (s *Server) LogTail(n int) string {
	b, err := os.ReadFile(filepath.Join(s.dir, logName))
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	return lastLines(string(b), n)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// CommandStats returns the number of calls per command since the last
// ResetStats, from INFO commandstats: "evalsha" -> 3. Subcommands are keyed
// as Redis names them, e.g. "script|load", "config|resetstat".
func CommandStats(s *Server) (map[string]int64, error) {
	str, err := s.doString("INFO", "commandstats")
	if err != nil {
		return nil, err
	}
	return parseCommandStats(str)
}

// parseCommandStats parses lines like
// "cmdstat_evalsha:calls=3,usec=10,usec_per_call=3.33,rejected_calls=0,failed_calls=0".
func parseCommandStats(info string) (map[string]int64, error) {
	stats := map[string]int64{}
	for k, v := range parseInfo(info) {
		name, ok := strings.CutPrefix(k, "cmdstat_")
		if !ok {
			continue
		}
		found := false
		for field := range strings.SplitSeq(v, ",") {
			if calls, ok := strings.CutPrefix(field, "calls="); ok {
				n, err := strconv.ParseInt(calls, 10, 64)
				if err != nil {
					return nil, fmt.Errorf("redistest: bad commandstats line %s:%s", k, v)
				}
				stats[name] = n
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("redistest: no calls= in commandstats line %s:%s", k, v)
		}
	}
	return stats, nil
}

// startStandalone starts a private standalone server in a new temp dir,
// retrying on another port if the chosen one was taken meanwhile.
func startStandalone(b binaries) (*Server, error) {
	return startOwned(b, "standalone", "", nil)
}

// startOwned starts a server in its own temp dir: a standalone server, a
// replica (extra: --replicaof) or, with conf (written into the dir), a
// sentinel.
func startOwned(b binaries, kind, conf string, extra []string) (*Server, error) {
	dir, err := os.MkdirTemp("", "redistest-"+kind+"-*")
	if err != nil {
		return nil, err
	}
	s := &Server{bin: b.server, dir: dir, ownsDir: true, extra: extra}
	if conf != "" {
		s.conf = filepath.Join(dir, "sentinel.conf")
		if err := os.WriteFile(s.conf, []byte(conf), 0o644); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	if err := register(s); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.startOnFreePort(); err != nil {
		s.destroy()
		return nil, err
	}
	return s, nil
}

// startOnFreePort allocates a port (plus bus port for cluster nodes) and
// starts the server, retrying with a fresh port when another process took it
// between the check and redis-server's bind.
func (s *Server) startOnFreePort() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	for range 10 {
		if s.port, err = allocPort(s.cluster); err != nil {
			return err
		}
		os.Remove(filepath.Join(s.dir, logName))
		os.Remove(filepath.Join(s.dir, outputName))
		os.Remove(filepath.Join(s.dir, "nodes.conf"))
		err = s.startLocked()
		var se *startError
		if err == nil || !errors.As(err, &se) || !se.addrInUse {
			return err
		}
		releasePort(s.port, s.cluster)
		s.port = 0
	}
	return err
}

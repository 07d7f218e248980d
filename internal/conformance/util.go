package conformance

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	goruntime "runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/internal/rt"
)

var uniq atomic.Int64

// NewScript makes a script whose source is unique to this test run (a
// first comment line, so the body's line N is the file's line N+1), so no
// server has it cached from an earlier test. Its file is scripts/NAME.lua.
func NewScript(name, body string, readOnly bool) *rt.Script {
	src := fmt.Sprintf("-- %s %d %d\n%s", name, time.Now().UnixNano(), uniq.Add(1), body)
	sum := sha1.Sum([]byte(src))
	return rt.NewScript(name, "scripts/"+name+".lua", src, hex.EncodeToString(sum[:]), readOnly)
}

// prefix returns a hash-tag-free key prefix unique to this test.
func prefix(t *testing.T) string {
	return fmt.Sprintf("t%d:%s:", uniq.Add(1), t.Name())
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// cmdStat is one command's line of INFO commandstats.
type cmdStat struct{ calls, rejected, failed int64 }

// commandStats reads INFO commandstats of n: "evalsha" -> its counts.
func commandStats(n *redistest.Server) (map[string]cmdStat, error) {
	info, err := n.Info("commandstats")
	if err != nil {
		return nil, err
	}
	out := map[string]cmdStat{}
	for k, v := range info {
		name, ok := strings.CutPrefix(k, "cmdstat_")
		if !ok {
			continue
		}
		var st cmdStat
		for _, f := range strings.Split(v, ",") {
			key, val, _ := strings.Cut(f, "=")
			n, _ := strconv.ParseInt(val, 10, 64)
			switch key {
			case "calls":
				st.calls = n
			case "rejected_calls":
				st.rejected = n
			case "failed_calls":
				st.failed = n
			}
		}
		out[name] = st
	}
	return out, nil
}

// statDeltas returns a func that reports, per node, how much each of the
// given commands' INFO commandstats calls grew since statDeltas was called.
func statDeltas(t *testing.T, nodes []*redistest.Server, cmds ...string) func() []map[string]int64 {
	t.Helper()
	read := func() []map[string]int64 {
		t.Helper()
		out := make([]map[string]int64, len(nodes))
		for i, n := range nodes {
			st, err := commandStats(n)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = map[string]int64{}
			for _, c := range cmds {
				out[i][c] = st[c].calls
			}
		}
		return out
	}
	before := read()
	return func() []map[string]int64 {
		t.Helper()
		after := read()
		for i := range after {
			for c := range after[i] {
				after[i][c] -= before[i][c]
			}
		}
		return after
	}
}

// sum adds up one command's deltas over all nodes.
func sum(deltas []map[string]int64, cmd string) int64 {
	var n int64
	for _, d := range deltas {
		n += d[cmd]
	}
	return n
}

func flushScripts(t *testing.T, nodes []*redistest.Server) {
	t.Helper()
	for _, n := range nodes {
		if _, err := n.Do("SCRIPT", "FLUSH"); err != nil {
			t.Fatalf("SCRIPT FLUSH on %s: %v", n.Addr(), err)
		}
	}
}

// LeakCheck records the number of goroutines; the returned func waits (up to
// 10s, for closed connections to wind down) until there are no more than
// that, and fails the test with a goroutine dump otherwise.
func LeakCheck(t testing.TB) func() {
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

// reader is a plain RESP connection to one node that pipelines commands:
// the suites read Redis's state with it, through neither backend. A key on
// the wrong node comes back MOVED, an error, rather than being followed.
type reader struct {
	nc net.Conn
	r  *bufio.Reader
	w  *bufio.Writer
}

func dialReader(addr string) (*reader, error) {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	return &reader{nc: nc, r: bufio.NewReaderSize(nc, 64<<10), w: bufio.NewWriterSize(nc, 64<<10)}, nil
}

func (c *reader) Close() error { return c.nc.Close() }

// pipeline sends cmds in one write and returns their replies: nil, int64,
// string, []any, or a replyError.
func (c *reader) pipeline(deadline time.Time, cmds ...[]string) ([]any, error) {
	if err := c.nc.SetDeadline(deadline); err != nil {
		return nil, err
	}
	for _, args := range cmds {
		fmt.Fprintf(c.w, "*%d\r\n", len(args))
		for _, a := range args {
			fmt.Fprintf(c.w, "$%d\r\n%s\r\n", len(a), a)
		}
	}
	if err := c.w.Flush(); err != nil {
		return nil, err
	}
	out := make([]any, len(cmds))
	for i := range out {
		v, err := readReply(c.r)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// replyError is an error reply read by a reader.
type replyError string

func (e replyError) Error() string { return string(e) }

func readReply(r *bufio.Reader) (any, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 || !strings.HasSuffix(line, "\r\n") {
		return nil, fmt.Errorf("bad RESP line %q", line)
	}
	body := line[1 : len(line)-2]
	switch line[0] {
	case '+':
		return body, nil
	case '-':
		return replyError(body), nil
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil || n < 0 {
			return nil, err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil || n < 0 {
			return nil, err
		}
		arr := make([]any, n)
		for i := range arr {
			if arr[i], err = readReply(r); err != nil {
				return nil, err
			}
		}
		return arr, nil
	}
	return nil, errors.New("unknown RESP type in " + strconv.Quote(line))
}

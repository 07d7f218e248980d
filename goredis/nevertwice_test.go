package goredis_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/luagen/luagen/goredis"
	"github.com/luagen/luagen/goredis/luagenimpl"
	"github.com/luagen/luagen/internal/conformance"
	"github.com/luagen/luagen/internal/redistest"
)

// dropper dials connections it can close from the client side, as a
// network failure would, while a call waits for its reply.
type dropper struct {
	mu    sync.Mutex
	conns []net.Conn
	// armed > 0: drop every connection this long after the next write.
	armed time.Duration
	done  chan struct{}
}

func (d *dropper) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.conns = append(d.conns, c)
	d.mu.Unlock()
	return &dropConn{Conn: c, d: d}, nil
}

// dropConn tells its dropper when a command is written.
type dropConn struct {
	net.Conn
	d *dropper
}

func (c *dropConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.d.written()
	return n, err
}

// dropAfterWrite arms the dropper: delay after the next write (the call's
// command, on its way to the server), every connection dialled so far is
// closed. Timing it from the write, not from now, keeps the drop inside
// the script's run however late this goroutine is scheduled.
func (d *dropper) dropAfterWrite(delay time.Duration) (done chan struct{}) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.armed, d.done = delay, make(chan struct{})
	return d.done
}

func (d *dropper) written() {
	d.mu.Lock()
	delay, done := d.armed, d.done
	d.armed = 0
	d.mu.Unlock()
	if delay == 0 {
		return
	}
	time.AfterFunc(delay, func() {
		defer close(done)
		d.mu.Lock()
		defer d.mu.Unlock()
		for _, c := range d.conns {
			c.Close()
		}
		d.conns = nil
	})
}

// TestNeverTwice: a write script whose reply never comes (a read timeout,
// a connection dropped mid-call) ran, or may have: go-redis, with its
// retries at their default (MaxRetries 3), sends a command again after
// such errors; the runner marks its commands NoRetry, so it runs once.
// The same call through go-redis's own EvalSha runs twice, which shows
// that the test sees a double run.
func TestNeverTwice(t *testing.T) {
	sa := redistest.NewStandalone(t)
	cl := redistest.Cluster(t)
	ctx := ctxT(t)
	slow := newScript("slow", conformance.SlowWriteBody, false)
	for _, name := range []string{"standalone", "cluster"} {
		t.Run(name, func(t *testing.T) {
			dr := &dropper{}
			var client redis.UniversalClient
			if name == "standalone" {
				client = redis.NewClient(&redis.Options{Addr: sa.Addr(), ReadTimeout: 100 * time.Millisecond, Dialer: dr.dial})
			} else {
				client = redis.NewClusterClient(&redis.ClusterOptions{Addrs: cl.Addrs(), ReadTimeout: 100 * time.Millisecond, Dialer: dr.dial})
			}
			defer client.Close()
			r := goredis.New(client)
			if err := r.Load(ctx, slow); err != nil {
				t.Fatal(err)
			}
			p := prefix(t)
			key := "{" + p + "}n"
			wait := func() { time.Sleep(700 * time.Millisecond) } // let every sent call finish

			// Single call, read timeout.
			_, err := luagenimpl.Call(ctx, r, slow, []string{key + "1"}, []string{"250"}, luagenimpl.DecodeInt64)
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Fatalf("Call = %v, want a timeout", err)
			}
			wait()
			// Batch, read timeout.
			b := r.NewBatch()
			f := luagenimpl.Queue(b, slow, []string{key + "2"}, []string{"250"}, luagenimpl.DecodeInt64)
			if err := b.Exec(ctx); err == nil || f.Err() == nil {
				t.Fatalf("Exec = %v, future %v; want a timeout", err, f.Err())
			}
			wait()
			// Single call and batch, connection dropped while the script runs.
			done := dr.dropAfterWrite(30 * time.Millisecond)
			if _, err := luagenimpl.Call(ctx, r, slow, []string{key + "3"}, []string{"60"}, luagenimpl.DecodeInt64); err == nil {
				t.Fatal("Call over a dropped connection = nil")
			}
			<-done
			wait()
			done = dr.dropAfterWrite(30 * time.Millisecond)
			b = r.NewBatch()
			f = luagenimpl.Queue(b, slow, []string{key + "4"}, []string{"60"}, luagenimpl.DecodeInt64)
			if err := b.Exec(ctx); err == nil || f.Err() == nil {
				t.Fatalf("Exec over a dropped connection = %v, future %v", err, f.Err())
			}
			<-done
			wait()
			for _, k := range []string{"1", "2", "3", "4"} {
				if n := count(t, client, key+k); n != 1 {
					t.Fatalf("call %s ran %d times, want once", k, n)
				}
			}
			// The control: go-redis's own EvalSha is sent again after the
			// dropped connection.
			done = dr.dropAfterWrite(30 * time.Millisecond)
			cerr := client.EvalSha(ctx, slow.SHA1(), []string{key + "c"}, "60").Err()
			t.Logf("control EvalSha: %v", cerr)
			<-done
			wait()
			if n := count(t, client, key+"c"); n < 2 {
				t.Fatalf("control: go-redis's EvalSha ran %d times; the test cannot see a double run", n)
			}
		})
	}
}

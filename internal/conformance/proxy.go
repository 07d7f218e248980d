package conformance

import (
	"bytes"
	"net"
	"sync"
	"testing"
)

// proxy forwards TCP connections to one Redis server and can drop them all
// at once: a connection lost while a command runs, which Redis itself will
// not arrange (see testDroppedConnection).
type proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	conns map[net.Conn]bool
	word  []byte        // lower case; the next client bytes holding it close seen
	seen  chan struct{} // nil when not watching
	wg    sync.WaitGroup
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() {
		ln.Close()
		p.dropAll()
		p.wg.Wait()
	})
	return p
}

func (p *proxy) Addr() string { return p.ln.Addr().String() }

func (p *proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[s] = true, true
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(s, c, true)
		go p.pipe(c, s, false)
	}
}

// pipe copies from src to dst until either closes; fromClient bytes are
// watched for the expected word.
func (p *proxy) pipe(dst, src net.Conn, fromClient bool) {
	defer p.wg.Done()
	defer func() {
		dst.Close()
		src.Close()
		p.mu.Lock()
		delete(p.conns, dst)
		delete(p.conns, src)
		p.mu.Unlock()
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if fromClient {
				p.mu.Lock()
				if p.seen != nil && bytes.Contains(bytes.ToLower(buf[:n]), p.word) {
					close(p.seen)
					p.seen = nil
				}
				p.mu.Unlock()
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// expect returns a channel closed once a client sends word (any case).
func (p *proxy) expect(word string) <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.word = bytes.ToLower([]byte(word))
	p.seen = make(chan struct{})
	return p.seen
}

// dropAll closes every connection, both sides.
func (p *proxy) dropAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
}

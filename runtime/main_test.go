package runtime_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
	"github.com/redis/rueidis"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// deployment is a Redis to run a test against, with admin access to its nodes.
type deployment struct {
	name   string
	client rueidis.Client
	nodes  []*redistest.Server
}

// deployments returns a standalone server and the shared cluster, each with
// a fresh rueidis client closed at the end of the test.
func deployments(t *testing.T) []deployment {
	t.Helper()
	sa := redistest.Standalone(t)
	cl := redistest.Cluster(t)
	return []deployment{
		{name: "standalone", client: newClient(t, sa.Addr()), nodes: []*redistest.Server{sa}},
		{name: "cluster", client: newClient(t, cl.Addrs()...), nodes: cl.Nodes()},
	}
}

func newClient(t testing.TB, addrs ...string) rueidis.Client {
	t.Helper()
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: addrs, DisableCache: true})
	if err != nil {
		t.Fatalf("rueidis client for %v: %v", addrs, err)
	}
	t.Cleanup(c.Close)
	return c
}

var uniq atomic.Int64

// newScript makes a script whose source is unique to this test run, so no
// server has it cached from an earlier test.
func newScript(name, body string, readOnly bool) *runtime.Script {
	s, _ := newScriptSHA(name, body, readOnly)
	return s
}

// newScriptSHA is newScript that also returns the script's SHA1.
func newScriptSHA(name, body string, readOnly bool, opts ...luagenimpl.Option) (*runtime.Script, string) {
	src := fmt.Sprintf("-- %s %d %d\n%s", name, time.Now().UnixNano(), uniq.Add(1), body)
	sum := sha1.Sum([]byte(src))
	sha := hex.EncodeToString(sum[:])
	return luagenimpl.NewScript(name, "scripts/"+name+".lua", src, sha, readOnly, opts...), sha
}

// prefix returns a hash-tag-free key prefix unique to this test.
func prefix(t *testing.T) string {
	return fmt.Sprintf("t%d:%s:", uniq.Add(1), t.Name())
}

func flushScripts(t *testing.T, nodes []*redistest.Server) {
	t.Helper()
	for _, n := range nodes {
		if _, err := n.Do("SCRIPT", "FLUSH"); err != nil {
			t.Fatalf("SCRIPT FLUSH on %s: %v", n.Addr(), err)
		}
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

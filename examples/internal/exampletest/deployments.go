// Package exampletest runs the examples on every kind of Redis in tests.
// It is apart from package connect so the example programs do not link the
// test helpers.
package exampletest

import (
	"strings"
	"testing"

	"github.com/luagen/luagen/examples/internal/connect"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
)

// Deployment is a Redis an example is tested on, with a client of each
// kind. The embedded Redis is two: one miniredis per client.
type Deployment struct {
	Name    string
	Client  rueidis.Client
	GoRedis redis.UniversalClient
}

// Deployments returns the embedded Redis, a real standalone server and
// the shared real 3+3 cluster, each with clients closed when t ends. The
// calling package's TestMain must call redistest.Main.
func Deployments(t *testing.T) []Deployment {
	t.Helper()
	var out []Deployment
	embedded, _, closeEmbedded, err := connect.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeEmbedded)
	embeddedGR, _, closeEmbeddedGR, err := connect.OpenGoRedis("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeEmbeddedGR)
	out = append(out, Deployment{Name: "embedded", Client: embedded, GoRedis: embeddedGR})
	for _, d := range []struct {
		name  string
		addrs func() []string
	}{
		{"standalone", func() []string { return []string{redistest.Standalone(t).Addr()} }},
		{"cluster", func() []string { return redistest.Cluster(t).Addrs() }},
	} {
		addrs := d.addrs()
		c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: addrs, DisableCache: true})
		if err != nil {
			t.Fatalf("%s: %v", d.name, err)
		}
		t.Cleanup(c.Close)
		// connect.OpenGoRedis, as the examples' -redis flag does: it
		// chooses the kind of go-redis client.
		gr, _, closeGR, err := connect.OpenGoRedis(strings.Join(addrs, ","))
		if err != nil {
			t.Fatalf("%s: %v", d.name, err)
		}
		t.Cleanup(closeGR)
		out = append(out, Deployment{Name: d.name, Client: c, GoRedis: gr})
	}
	return out
}

// Package exampletest runs the examples on every kind of Redis in tests.
// It is apart from package connect so the example programs do not link the
// test helpers.
package exampletest

import (
	"testing"

	"github.com/luagen/luagen/examples/internal/connect"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/redis/rueidis"
)

// Deployment is a Redis an example is tested on.
type Deployment struct {
	Name   string
	Client rueidis.Client
}

// Deployments returns the embedded Redis, a real standalone server and
// the shared real 3+3 cluster, each with a client closed when t ends. The
// calling package's TestMain must call redistest.Main.
func Deployments(t *testing.T) []Deployment {
	t.Helper()
	var out []Deployment
	embedded, _, closeEmbedded, err := connect.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeEmbedded)
	out = append(out, Deployment{Name: "embedded", Client: embedded})
	for _, d := range []struct {
		name  string
		addrs func() []string
	}{
		{"standalone", func() []string { return []string{redistest.Standalone(t).Addr()} }},
		{"cluster", func() []string { return redistest.Cluster(t).Addrs() }},
	} {
		c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: d.addrs(), DisableCache: true})
		if err != nil {
			t.Fatalf("%s: %v", d.name, err)
		}
		t.Cleanup(c.Close)
		out = append(out, Deployment{Name: d.name, Client: c})
	}
	return out
}

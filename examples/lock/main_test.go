package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/luagen/luagen/examples/internal/exampletest"
	"github.com/luagen/luagen/internal/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// TestRun runs the example on the embedded Redis, a real server and a real
// cluster, twice each (the second run starts from the first run's state),
// and checks what it prints.
func TestRun(t *testing.T) {
	for _, d := range exampletest.Deployments(t) {
		t.Run(d.Name, func(t *testing.T) {
			for round := range 2 {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				var out bytes.Buffer
				err := run(ctx, d.Client, &out)
				cancel()
				if err != nil {
					t.Fatalf("round %d: %v\n%s", round, err, out.String())
				}
				for _, want := range wantLines {
					if !strings.Contains(out.String(), want) {
						t.Fatalf("round %d: output lacks %q:\n%s", round, want, out.String())
					}
				}
			}
		})
	}
}

var wantLines = []string{
	"worker-a acquires the lock: fencing token 1",
	"worker-b tries while worker-a holds it: nil (held by someone else)",
	"holder: worker-a, for at most 10s",
	"worker-a extends it to 30s",
	"worker-b cannot extend a lock it does not hold: <nil>",
	"worker-b releases: false",
	"worker-a releases: true",
	"holder now: <nil>",
	"worker-b acquires it: fencing token 2 (storage now refuses writes tagged 1)",
}

package main

import (
	"testing"

	"github.com/luagen/luagen/examples/internal/exampletest"
	"github.com/luagen/luagen/internal/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// TestRun runs the example on the embedded Redis, a real server and a real
// cluster, twice each with rueidis and twice with go-redis, and checks what
// it prints: want lines, and the same output on both clients.
func TestRun(t *testing.T) { exampletest.Run(t, run, runGoRedis, wantLines) }

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

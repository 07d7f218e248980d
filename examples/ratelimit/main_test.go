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
	"t=   0ms  allowed                      tokens left: 4",
	"t= 500ms  allowed                      tokens left: 0",
	"t= 600ms  refused, retry after 400ms",
	"the read-only script counts 4 refused requests",
	"one pipeline of 400 calls for 200 users taking 3 tokens twice: 200 allowed, 200 refused",
}

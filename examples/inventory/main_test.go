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
	"stocked 4 warehouses and placed 300 orders in one pipeline (312 calls)",
	"berlin  20 orders reserved; left:  0 kettles, 30 teapots,  0 mugs; short: kettle 55, teapot 0, mug 55",
	"oslo    20 orders reserved; left:  0 kettles, 30 teapots,  0 mugs; short: kettle 55, teapot 0, mug 55",
	"mixing warehouses in one call: luagen: script Reserve: keys in different cluster slots",
}

package goredis_test

import (
	"slices"
	"testing"

	"github.com/luagen/luagen/internal/apitest"
)

// onlyGoRedis is what package goredis exports beyond package runtime.
var onlyGoRedis = []string{"WithAutoPipeline"}

// TestUserAPI keeps package goredis's API the rueidis runtime's, name for
// name, plus onlyGoRedis: code that moves between the clients changes its
// import and client, nothing else. (runtime's own TestUserAPI pins that
// list.) Generated code's helpers are compared likewise, package
// luagenimpl to luagenimpl.
func TestUserAPI(t *testing.T) {
	for _, c := range []struct {
		dir, rueidis string
		extra        []string
	}{
		{".", "../runtime", onlyGoRedis},
		{"luagenimpl", "../runtime/luagenimpl", nil},
	} {
		got, err := apitest.Exported(c.dir, "../internal/rt")
		if err != nil {
			t.Fatal(err)
		}
		want, err := apitest.Exported(c.rueidis, "../internal/rt")
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, c.extra...)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("package %s exports\n  %v\nwant, as the rueidis runtime's %s\n  %v", c.dir, got, c.rueidis, want)
		}
	}
}

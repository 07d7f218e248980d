package check

import (
	"testing"

	"github.com/luagen/luagen/generator/luasrc"
	"github.com/luagen/luagen/generator/model"
)

// FuzzBody feeds arbitrary Lua to Body: it must never panic and must keep
// its findings inside the file. Seeds are in testdata/fuzz/FuzzBody.
func FuzzBody(f *testing.F) {
	f.Add([]byte("return redis.call('GET', KEYS[1]) .. ARGV[2]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s := &model.Script{
			File: "x.lua",
			Keys: params("a", "b"),
			Args: params("x", "rest..."),
		}
		for _, d := range Body(s, luasrc.Prepare("x.lua", src)) {
			if d.File != "x.lua" || d.Line < 0 || d.Col < 0 || d.Msg == "" || d.Check == "" {
				t.Fatalf("bad finding %+v", d)
			}
		}
	})
}

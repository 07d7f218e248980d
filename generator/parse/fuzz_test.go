package parse_test

import (
	"go/token"
	"testing"

	"github.com/luagen/luagen/generator/check"
	"github.com/luagen/luagen/generator/luasrc"
	"github.com/luagen/luagen/generator/model"
	"github.com/luagen/luagen/generator/parse"
)

// FuzzParseScript feeds arbitrary files to Script, then check.Names as
// generation does: they must never panic, must always return a script, and
// must keep their findings inside the file, each with a check name. When
// they report no errors, every Go name derived must be usable. Seeds are in
// testdata/fuzz/FuzzParseScript.
func FuzzParseScript(f *testing.F) {
	f.Add([]byte("#!lua flags=no-writes\n--[[luagen\nreadonly: true\nkeys: [bucket]\nargs:\n  - {name: user_id, type: int64}\nreturns:\n  fields: [{name: ttl_ms, type: int64}]\n]]\nreturn {redis.call('PTTL', KEYS[1])}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		sc, diags := parse.Script(luasrc.Prepare("x.lua", src))
		if sc == nil {
			t.Fatal("nil script")
		}
		diags = append(diags, check.Names(sc)...)
		for _, d := range diags {
			if d.File != "x.lua" || d.Line < 0 || d.Col < 0 || d.Msg == "" || d.Check == "" {
				t.Fatalf("bad finding %+v", d)
			}
		}
		if diags.HasErrors() {
			return
		}
		if !token.IsIdentifier(sc.GoName) || !token.IsExported(sc.GoName) {
			t.Fatalf("script Go name %q", sc.GoName)
		}
		for _, p := range append(append([]model.Param{}, sc.Keys...), sc.Args...) {
			if !token.IsIdentifier(p.GoName) || token.IsKeyword(p.GoName) {
				t.Fatalf("param Go name %q", p.GoName)
			}
		}
		for _, fl := range sc.Result.Fields {
			if !token.IsIdentifier(fl.GoName) || !token.IsExported(fl.GoName) {
				t.Fatalf("field Go name %q", fl.GoName)
			}
		}
	})
}

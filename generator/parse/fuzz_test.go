package parse

import (
	"go/token"
	"testing"

	"github.com/luagen/luagen/generator/model"
)

// FuzzParseScript feeds arbitrary files to Script: it must never panic,
// must always return a script, and must keep its findings inside the file.
// When it reports no errors, every Go name it derived must be usable.
// Seeds are in testdata/fuzz/FuzzParseScript.
func FuzzParseScript(f *testing.F) {
	f.Add([]byte(takeTokens))
	f.Fuzz(func(t *testing.T, src []byte) {
		sc, diags := Script("x.lua", src)
		if sc == nil {
			t.Fatal("nil script")
		}
		for _, d := range diags {
			if d.File != "x.lua" || d.Line < 0 || d.Col < 0 || d.Msg == "" {
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

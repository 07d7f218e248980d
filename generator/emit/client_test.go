package emit

import (
	"go/scanner"
	"go/token"
	"slices"
	"strings"
	"testing"

	"github.com/luagen/luagen/generator/model"
)

// goRedisOf returns pkg written for go-redis.
func goRedisOf(pkg *model.Package) *model.Package {
	g := *pkg
	g.Client = model.ClientGoRedis
	return &g
}

// TestGoRedisSameCode checks that a go-redis package is the rueidis one
// with only the client changed: token for token, comments and line breaks
// aside, once the runtime package, the client type and the reply type
// (rueidis.RedisMessage, any for go-redis) are mapped. So the generated API
// and what its methods do keep their shape on both clients.
func TestGoRedisSameCode(t *testing.T) {
	withLibrary := allShapes()
	withLibrary.Library = "shapes"
	for _, pkg := range []*model.Package{allShapes(), limiter(takeTokens()), longNames(), withLibrary} {
		// Parameters named like a package only one client imports
		// (runtime, rueidis; goredis, redis) are renamed on that one,
		// which TestGoRedisNames checks: leave them out here.
		pkg.Files = slices.DeleteFunc(pkg.Files, func(s *model.Script) bool {
			return slices.ContainsFunc(append(slices.Clone(s.Keys), s.Args...), func(p model.Param) bool {
				return slices.Contains([]string{"runtime", "rueidis", "goredis", "redis"}, p.GoName)
			})
		})
		want, got := mustPackage(t, pkg), mustPackage(t, goRedisOf(pkg))
		if len(want) != len(got) {
			t.Fatalf("%s: %d files on rueidis, %d on go-redis", pkg.Name, len(want), len(got))
		}
		for i := range want {
			if want[i].Name != got[i].Name {
				t.Fatalf("%s: file %s on rueidis, %s on go-redis", pkg.Name, want[i].Name, got[i].Name)
			}
			w, g := asGoRedis(codeTokens(t, want[i].Data)), codeTokens(t, got[i].Data)
			if !slices.Equal(w, g) {
				n := 0
				for n < len(w) && n < len(g) && w[n] == g[n] {
					n++
				}
				t.Errorf("%s/%s: go-redis code differs from rueidis's after token %d:\nrueidis, mapped: %s\ngo-redis:         %s",
					pkg.Name, want[i].Name, n, strings.Join(w[n:min(n+12, len(w))], " "), strings.Join(g[n:min(n+12, len(g))], " "))
			}
		}
	}
}

// codeTokens is src as tokens, without comments, the semicolons the
// scanner inserts at line ends, the commas a broken list ends with, and
// the imports (a go-redis file that decodes into any imports no client).
func codeTokens(t *testing.T, src []byte) []string {
	t.Helper()
	fset := token.NewFileSet()
	var s scanner.Scanner
	s.Init(fset.AddFile("x.go", -1, len(src)), src, func(pos token.Position, msg string) { t.Fatalf("%s: %s", pos, msg) }, 0)
	var out []string
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue
		}
		if tok == token.IMPORT {
			for tok != token.RPAREN {
				_, tok, _ = s.Scan()
			}
			continue
		}
		text := tok.String()
		if lit != "" {
			text = lit
		}
		if (text == ")" || text == "}") && len(out) > 0 && out[len(out)-1] == "," {
			out = out[:len(out)-1]
		}
		out = append(out, text)
	}
}

// asGoRedis maps rueidis tokens to what the go-redis package has instead.
func asGoRedis(toks []string) []string {
	var out []string
	for i := 0; i < len(toks); i++ {
		next := func(s ...string) bool {
			if i+len(s) > len(toks) || !slices.Equal(toks[i:i+len(s)], s) {
				return false
			}
			i += len(s) - 1
			return true
		}
		switch {
		case next("rueidis", ".", "RedisMessage", "{", "}"):
			out = append(out, "nil")
		case next("rueidis", ".", "RedisMessage"):
			out = append(out, "any")
		case next("rueidis", ".", "Client"):
			out = append(out, "redis", ".", "UniversalClient")
		case toks[i] == "runtime":
			out = append(out, "goredis")
		default:
			out = append(out, toks[i])
		}
	}
	return out
}

// TestGoRedisNames checks that go-redis packages keep parameters and
// helpers clear of the packages they import (goredis, redis), and that
// rueidis packages still may use those names.
func TestGoRedisNames(t *testing.T) {
	s := script("Get", []model.Param{key("redis")}, []model.Param{arg("goredis", model.TypeString), arg("rueidis", model.TypeString)}, model.Result{Type: model.TypeRaw})
	for _, c := range []struct {
		client model.Client
		want   []string
	}{
		{model.ClientRueidis, []string{"redis", "goredis", "rueidisArg"}},
		{model.ClientGoRedis, []string{"redisKey", "goredisArg", "rueidis"}},
	} {
		pkg := limiter(s)
		pkg.Client = c.client
		pl := planPackage(pkg)[0]
		var got []string
		for _, p := range append(append([]param(nil), pl.keys...), pl.args...) {
			got = append(got, p.ident)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: parameters %v, want %v", c.client, got, c.want)
		}
	}
}

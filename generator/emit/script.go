package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/luagen/luagen/generator/model"
)

// genScript renders <script>.luagen.go: the source and SHA1 constants, the
// runtime.Script value, the result type and decoders, and the two methods.
func genScript(f *jen.File, pl *scriptPlan) {
	s := pl.s
	file := oneLine(s.File)
	f.Add(docComment(pl.sourceConst + " is the source of " + file + ", sent to Redis byte for byte.")).Const().Id(pl.sourceConst).Op("=").Add(sourceLit(s.Source))

	f.Add(docComment(pl.sha1Const + " is the SHA1 Redis knows " + pl.sourceConst + " by.")).Const().Id(pl.sha1Const).Op("=").Lit(pl.s.SHA1)

	items := []piece{strLit(pl.name), strLit(s.File), ident(pl.sourceConst), ident(pl.sha1Const), boolLit(s.ReadOnly)}
	items = append(items, prefixes(s)...)
	newScript := call(rtName("NewScript"), items...)
	if pl.fn != nil {
		newScript = call(rtName("InLibrary"), newScript, ident(pl.libVar), strLit(pl.fn.Name), intLit(pl.fn.Offset))
	}
	f.Var().Id(pl.scriptVar).Op("=").Add(newScript.fit(0, len("var ")+cols(pl.scriptVar)+len(" = "), 0))

	genResult(f, pl)
	genCall(f, pl)
	genQueue(f, pl)
}

// prefixes are the script's key prefixes as luagenimpl.Prefix literals, for
// the runtime's slot proof and routing.
func prefixes(s *model.Script) []piece {
	var out []piece
	add := func(params []model.Param, arg bool) {
		for i, p := range params {
			if !p.Prefix {
				continue
			}
			fields := []piece{keyed("Param", strLit(p.Name))}
			if arg {
				fields = append(fields, keyed("Arg", boolLit(true)))
			}
			out = append(out, values(rtName("Prefix"), append(fields, keyed("Index", intLit(i)))...))
		}
	}
	add(s.Keys, false)
	add(s.Args, true)
	return out
}

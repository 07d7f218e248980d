package emit

import (
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/luagen/luagen/generator/model"
)

// genScript renders <script>.luagen.go: the source and SHA1 constants, the
// runtime.Script value, the result type and decoders, and the two methods.
func genScript(f *jen.File, pl *scriptPlan) {
	s := pl.s
	file := oneLine(s.File)
	doc := pl.sourceConst + " is the source of " + file + ", sent to Redis byte for byte."
	if len(s.Includes) > 0 {
		doc = pl.sourceConst + " is the source of " + file + " with the files it includes inserted (" + oneLine(strings.Join(s.Includes, ", ")) + "), sent to Redis byte for byte."
	}
	f.Add(docComment(doc)).Const().Id(pl.sourceConst).Op("=").Add(sourceLit(s.Source))

	f.Add(docComment(pl.sha1Const + " is the SHA1 Redis knows " + pl.sourceConst + " by.")).Const().Id(pl.sha1Const).Op("=").Lit(pl.s.SHA1)

	items := []piece{strLit(pl.name), strLit(s.File), ident(pl.sourceConst), ident(pl.sha1Const), boolLit(s.ReadOnly)}
	if pl.linesVar != "" {
		genLines(f, pl)
		items = append(items, ident(pl.linesVar))
	}
	items = append(items, prefixes(pl.be, s)...)
	newScript := call(pl.be.rtName("NewScript"), items...)
	if pl.fn != nil {
		newScript = call(pl.be.rtName("InLibrary"), newScript, ident(pl.libVar), strLit(pl.fn.Name), intLit(pl.fn.Offset))
	}
	f.Var().Id(pl.scriptVar).Op("=").Add(newScript.fit(0, len("var ")+cols(pl.scriptVar)+len(" = "), 0))

	genResult(f, pl)
	genCall(f, pl)
	genQueue(f, pl)
}

// genLines declares the line map of a script that includes other files:
// which lines of its source come from which file, for the runtime to name
// the file and line of an error reply.
func genLines(f *jen.File, pl *scriptPlan) {
	spans := make([]jen.Code, len(pl.s.Lines))
	for i, sp := range pl.s.Lines {
		spans[i] = jen.Values(jen.Id("Line").Op(":").Lit(sp.Line), jen.Id("File").Op(":").Lit(sp.File), jen.Id("From").Op(":").Lit(sp.From))
	}
	f.Add(docComment(pl.linesVar + " maps lines of " + pl.sourceConst + " to the files they come from.")).
		Var().Id(pl.linesVar).Op("=").Add(pl.be.rtName("Lines").code).ValuesFunc(func(g *jen.Group) {
		for _, sp := range spans {
			g.Line().Add(sp)
		}
		g.Line()
	})
	f.Line()
}

// prefixes are the script's key prefixes as luagenimpl.Prefix literals, for
// the runtime's slot proof and routing.
func prefixes(be *backend, s *model.Script) []piece {
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
			out = append(out, values(be.rtName("Prefix"), append(fields, keyed("Index", intLit(i)))...))
		}
	}
	add(s.Keys, false)
	add(s.Args, true)
	return out
}

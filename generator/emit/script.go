package emit

import (
	"github.com/dave/jennifer/jen"
)

// genScript renders <script>.luagen.go: the source and SHA1 constants, the
// runtime.Script value, the result type and decoders, and the two methods.
func genScript(f *jen.File, pl *scriptPlan) {
	s := pl.s
	file := oneLine(s.File)
	f.Add(docComment(pl.sourceConst + " is the source of " + file + ", sent to Redis byte for byte.")).Const().Id(pl.sourceConst).Op("=").Add(sourceLit(s.Source))

	f.Add(docComment(pl.sha1Const + " is the SHA1 Redis knows " + pl.sourceConst + " by.")).Const().Id(pl.sha1Const).Op("=").Lit(pl.s.SHA1)

	newScript := call(rtName("NewScript"),
		strLit(pl.name), strLit(s.File), ident(pl.sourceConst), ident(pl.sha1Const), boolLit(s.ReadOnly),
	)
	f.Var().Id(pl.scriptVar).Op("=").Add(newScript.fit(0, len("var ")+cols(pl.scriptVar)+len(" = "), 0))

	genResult(f, pl)
	genCall(f, pl)
	genQueue(f, pl)
}

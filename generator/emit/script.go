package emit

import (
	"github.com/dave/jennifer/jen"
)

// genScript renders <script>.luagen.go: the source and SHA1 constants, the
// runtime.Script value, the result type and decoders, and the two methods.
func genScript(f *jen.File, pl *scriptPlan) {
	s := pl.s
	file := oneLine(s.File)
	f.Add(comments(pl.sourceConst + " is the source of " + file + ", sent to Redis byte for byte.")).Const().Id(pl.sourceConst).Op("=").Add(sourceLit(s.Source))

	f.Add(comments(pl.sha1Const + " is the SHA1 Redis knows " + pl.sourceConst + " by.")).Const().Id(pl.sha1Const).Op("=").Lit(pl.s.SHA1)

	f.Var().Id(pl.scriptVar).Op("=").Add(rt("NewScript")).Call(
		jen.Lit(pl.name), jen.Lit(s.File), jen.Id(pl.sourceConst), jen.Id(pl.sha1Const), jen.Lit(s.ReadOnly),
	)

	genResult(f, pl)
	genCall(f, pl)
	genQueue(f, pl)
}

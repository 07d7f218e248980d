package emit

import "github.com/dave/jennifer/jen"

// genQueue renders the pipeline method: it queues the call on the batch and
// returns a typed future. An arg that cannot be encoded fails only its own
// future, so the rest of the batch still runs.
func genQueue(f *jen.File, pl *scriptPlan) {
	future := pl.futureType()
	w := pl.buildWire(func(arg string) jen.Code {
		return jen.Return(rt("QueueErr").Types(future.Clone()).Call(
			jen.Id("p").Dot("b"), jen.Id(pl.scriptVar),
			rt("ArgError").Call(jen.Id(pl.scriptVar), jen.Lit(arg), jen.Err()),
		))
	})
	f.Add(comments(pl.name + " queues a [Scripts." + pl.name + "] call; its future holds the result after Exec.")).Func().Add(pipelineRecv()).Id(pl.name).Params(pl.callParams()...).Add(rt("Future").Types(future.Clone())).BlockFunc(func(g *jen.Group) {
		for _, st := range w.prep {
			g.Add(st)
		}
		// Add then NewFuture rather than the generic Queue: slices passed
		// to a generic function of another package escape once the
		// method is inlined into its caller.
		g.Return(rt("NewFuture").Call(jen.Id("p").Dot("b"),
			rt("Add").Call(jen.Id("p").Dot("b"), jen.Id(pl.scriptVar), w.keys, w.args), pl.decoder()))
	})
}

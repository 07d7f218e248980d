package emit

import "github.com/dave/jennifer/jen"

// genQueue renders the pipeline method: it queues the call on the batch and
// returns a typed future. An arg that cannot be encoded fails only its own
// future, so the rest of the batch still runs.
func genQueue(f *jen.File, pl *scriptPlan) {
	w := pl.buildWire(func(arg string, depth int) jen.Code {
		future := pl.futureType()
		queueErr := call(atom{pl.be.rt("QueueErr").Types(future.code), pl.be.rtName("QueueErr").w + len("[]") + future.w},
			selector("p", "b"), ident(pl.scriptVar),
			call(pl.be.rtName("ArgError"), ident(pl.scriptVar), strLit(arg), ident("err")),
		)
		return jen.Return(queueErr.fit(depth, len("return "), 0))
	})
	// Add then NewFuture rather than the generic Queue: slices passed to a
	// generic function of another package escape once the method is
	// inlined into its caller.
	add := call(pl.be.rtName("Add"), selector("p", "b"), ident(pl.scriptVar), w.keys, w.args)
	queue := call(pl.be.rtName("NewFuture"), selector("p", "b"), add, pl.decoder())

	future := pl.futureType()
	result := atom{pl.be.rt("Future").Types(future.code), pl.be.rtName("Future").w + len("[]") + future.w}
	f.Add(docComment(pl.name + " queues a [Scripts." + pl.name + "] call; its future holds the result after Exec.")).
		Func().Add(pipelineRecv()).Id(pl.name).
		Add(pl.signature(false).fit(0, len("func (p Pipeline) ")+cols(pl.name), len(" ")+result.w+len(" {"))).
		Add(result.code).BlockFunc(func(g *jen.Group) {
		for _, st := range w.prep {
			g.Add(st)
		}
		g.Return(queue.fit(bodyDepth, len("return "), 0))
	})
}

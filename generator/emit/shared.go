package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/luagen/luagen/generator/model"
)

// genShared renders luagen.go: the Scripts type bound to a Runner,
// the Pipeline builder, AllScripts and, when asked, Interface.
func genShared(f *jen.File, pkg *model.Package, plans []*scriptPlan) {
	be := backendOf(pkg)
	for _, l := range slashedDoc([]string{"Package " + pkg.Name + " holds typed bindings for the Redis Lua scripts in " + oneLine(pkg.Scripts) + "."}) {
		f.PackageComment(l)
	}

	f.Add(docComment("Scripts runs this package's scripts on one Redis deployment. Safe for concurrent use.")).Type().Id("Scripts").Struct(jen.Id("r").Op("*").Add(be.rt("Runner")))

	f.Add(docComment(be.newDoc)).Func().Id("New").Params(
		jen.Id("client").Add(be.client().code),
		jen.Id("opts").Op("...").Add(be.rt("Option")),
	).Op("*").Id("Scripts").Block(
		jen.Return(jen.Op("&").Id("Scripts").Values(jen.Dict{
			jen.Id("r"): be.rt("New").Call(jen.Id("client"), jen.Id("opts").Op("...")),
		})),
	)

	f.Add(docComment("NewWithRunner shares one runner, and its loaded-script state, between generated packages.")).Func().Id("NewWithRunner").Params(jen.Id("r").Op("*").Add(be.rt("Runner"))).Op("*").Id("Scripts").Block(
		jen.Return(jen.Op("&").Id("Scripts").Values(jen.Dict{jen.Id("r"): jen.Id("r")})),
	)

	f.Add(docComment("Runner returns the runner the scripts run on.")).Func().Add(scriptsRecv()).Id("Runner").Params().Op("*").Add(be.rt("Runner")).Block(
		jen.Return(jen.Id("s").Dot("r")),
	)

	loadDoc := "Load loads every script of this package on every node, replicas included."
	if pkg.Library != "" {
		loadDoc = "Load loads this package's library on every master (replicas get it from theirs), or on servers without Redis Functions its scripts on every node."
	}
	f.Add(docComment(loadDoc)).Func().Add(scriptsRecv()).Id("Load").Params(jen.Id("ctx").Qual("context", "Context")).Error().Block(
		jen.Return(jen.Id("s").Dot("r").Dot("Load").Call(jen.Id("ctx"), jen.Id("AllScripts").Call().Op("..."))),
	)

	f.Add(docComment("AllScripts lists this package's scripts.")).Func().Id("AllScripts").Params().Index().Op("*").Add(be.rt("Script")).Block(
		jen.Return(allScripts(be, plans).fit(bodyDepth, len("return "), 0)),
	)

	f.Add(docComment("Pipeline queues calls on a batch; Exec sends them, one round trip per node.")).Type().Id("Pipeline").Struct(jen.Id("b").Op("*").Add(be.rt("Batch")))

	f.Add(docComment("Pipeline starts a pipeline on a new batch.")).Func().Add(scriptsRecv()).Id("Pipeline").Params().Id("Pipeline").Block(
		jen.Return(jen.Id("Pipeline").Values(jen.Dict{jen.Id("b"): jen.Id("s").Dot("r").Dot("NewBatch").Call()})),
	)

	f.Add(docComment("On queues this package's calls on b, which may hold calls of other packages and plain commands.")).Func().Id("On").Params(jen.Id("b").Op("*").Add(be.rt("Batch"))).Id("Pipeline").Block(
		jen.Return(jen.Id("Pipeline").Values(jen.Dict{jen.Id("b"): jen.Id("b")})),
	)

	f.Add(docComment("Batch returns the batch the calls are queued on.")).Func().Add(pipelineRecv()).Id("Batch").Params().Op("*").Add(be.rt("Batch")).Block(
		jen.Return(jen.Id("p").Dot("b")),
	)

	f.Add(docComment("Exec sends every queued call, one round trip per node; each future then holds its result.")).Func().Add(pipelineRecv()).Id("Exec").Params(jen.Id("ctx").Qual("context", "Context")).Error().Block(
		jen.Return(jen.Id("p").Dot("b").Dot("Exec").Call(jen.Id("ctx"))),
	)

	if pkg.EmitInterface {
		genInterface(f, plans)
	}
	if pkg.Library != "" {
		genLibrary(f, pkg, plans)
	}
}

// allScripts is the []*runtime.Script literal of every script, one a line
// when they do not fit on one.
func allScripts(be *backend, plans []*scriptPlan) list {
	vars := make([]piece, len(plans))
	for i, pl := range plans {
		vars[i] = ident(pl.scriptVar)
	}
	return values(sliceOf(ptrTo(be.rtName("Script"))), vars...)
}

func scriptsRecv() *jen.Statement  { return jen.Params(jen.Id("s").Op("*").Id("Scripts")) }
func pipelineRecv() *jen.Statement { return jen.Params(jen.Id("p").Id("Pipeline")) }

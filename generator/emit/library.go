package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/luagen/luagen/generator/library"
	"github.com/luagen/luagen/generator/model"
)

// genLibrary renders, in luagen.go of a package with `library: NAME`, the
// Redis Functions library of its scripts: its code and version constants,
// the runtime.Library every script's runtime.Script points to, and
// Library() for Runner.Sync and Runner.Versions.
func genLibrary(f *jen.File, pkg *model.Package, plans []*scriptPlan) {
	be := backendOf(pkg)
	lib := library.Build(pkg)
	libVar := "library"
	if len(plans) > 0 {
		libVar = plans[0].libVar
	}
	sourceConst, versionConst := libVar+"Source", libVar+"Version"
	f.Add(docComment(sourceConst + " is the Redis Functions library " + lib.Name + ": a function per script, each running the script's body unchanged, and " + library.VersionFunction(lib.Name) + ", which returns " + versionConst + ".")).Const().Id(sourceConst).Op("=").Add(sourceLit(lib.Source))
	f.Add(docComment(versionConst + " is the SHA1 of " + sourceConst + " before its version function: the version a node holding this build of the library reports.")).Const().Id(versionConst).Op("=").Lit(lib.Version)
	f.Var().Id(libVar).Op("=").Add(call(be.rtName("NewLibrary"), strLit(lib.Name), ident(sourceConst), ident(versionConst)).fit(0, len("var ")+cols(libVar)+len(" = "), 0))
	doc := "Library is the Redis Functions library " + lib.Name + " this package's scripts are functions of: on Redis 7.0 and later they run by FCALL, elsewhere as scripts. See " + be.runtimeName + ".Runner's Sync and Versions."
	f.Add(docComment(doc)).Func().Id("Library").Params().Op("*").Add(be.rt("Library")).Block(
		jen.Return(jen.Id(libVar)),
	)
}

package emit

import "github.com/dave/jennifer/jen"

// genInterface renders Interface, the method set of Scripts' script calls,
// so callers can mock them, with a compile-time check that Scripts has it.
func genInterface(f *jen.File, plans []*scriptPlan) {
	f.Add(docComment("Interface is every script call of this package, for mocks.")).Type().Id("Interface").InterfaceFunc(func(g *jen.Group) {
		for _, pl := range plans {
			results := pl.callResults()
			g.Add(memberDoc(pl.summary()...)).Id(pl.name).
				Add(pl.signature(true).fit(1, cols(pl.name), len(" ")+results.w)).
				Add(results.code)
		}
	})
	f.Var().Id("_").Id("Interface").Op("=").Parens(jen.Op("*").Id("Scripts")).Parens(jen.Nil())
}

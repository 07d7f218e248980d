package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/luagen/luagen/generator/model"
)

// callParams is the parameter list shared by the call method (after ctx),
// the pipeline method and the interface: keys, then args.
func (pl *scriptPlan) callParams() []jen.Code {
	var out []jen.Code
	for _, k := range append(append([]param(nil), pl.keys...), pl.args...) {
		t, _ := goType(k.Type)
		switch {
		case k.ellipsis:
			out = append(out, jen.Id(k.ident).Op("...").Add(t))
		case k.asSlice:
			out = append(out, jen.Id(k.ident).Index().Add(t))
		default:
			out = append(out, jen.Id(k.ident).Add(t))
		}
	}
	return out
}

// wire is how a call's KEYS and ARGV are built from its parameters.
type wire struct {
	prep       []jen.Code // statements to run first
	keys, args jen.Code   // the []string expressions to pass
	errDecl    bool       // prep declares err at function scope
}

// buildWire renders the code that turns parameters into KEYS and ARGV.
// fail renders the statement returning an encoding error of the named arg
// (the error itself is in err).
func (pl *scriptPlan) buildWire(fail func(arg string) jen.Code) wire {
	var w wire
	// JSON args are encoded first so a failure returns before anything is built.
	for _, a := range pl.args {
		if a.jsonLocal == "" {
			continue
		}
		w.prep = append(w.prep,
			jen.List(jen.Id(a.jsonLocal), jen.Err()).Op(":=").Add(rt("FormatJSON")).Call(jen.Id(a.ident)),
			jen.If(jen.Err().Op("!=").Nil()).Block(fail(a.Name)),
		)
		w.errDecl = true
	}

	w.keys = jen.Nil()
	if n := len(pl.keys); n > 0 {
		last := pl.keys[n-1]
		switch {
		case !last.Variadic:
			w.keys = jen.Index().String().ValuesFunc(func(g *jen.Group) {
				for _, k := range pl.keys {
					g.Id(k.ident)
				}
			})
		case n == 1:
			// Call and Queue do not retain keys, so the caller's slice can go as is.
			w.keys = jen.Id(last.ident)
		default:
			w.prep = append(w.prep,
				jen.Id(keysLocal).Op(":=").Make(jen.Index().String(), jen.Lit(0), jen.Lit(n-1).Op("+").Len(jen.Id(last.ident))),
				jen.Id(keysLocal).Op("=").AppendFunc(func(g *jen.Group) {
					g.Id(keysLocal)
					for _, k := range pl.keys[:n-1] {
						g.Id(k.ident)
					}
				}),
				jen.Id(keysLocal).Op("=").Append(jen.Id(keysLocal), jen.Id(last.ident).Op("...")),
			)
			w.keys = jen.Id(keysLocal)
		}
	}

	w.args = jen.Nil()
	n := len(pl.args)
	if n == 0 {
		return w
	}
	last := pl.args[n-1]
	if !last.Variadic {
		w.args = jen.Index().String().ValuesFunc(func(g *jen.Group) {
			for _, a := range pl.args {
				g.Add(encodeArg(a))
			}
		})
		return w
	}
	if n == 1 && last.Type == model.TypeString {
		w.args = jen.Id(last.ident)
		return w
	}
	w.prep = append(w.prep, jen.Id(argsLocal).Op(":=").Make(jen.Index().String(), jen.Lit(0), jen.Lit(n-1).Op("+").Len(jen.Id(last.ident))))
	if n > 1 {
		w.prep = append(w.prep, jen.Id(argsLocal).Op("=").AppendFunc(func(g *jen.Group) {
			g.Id(argsLocal)
			for _, a := range pl.args[:n-1] {
				g.Add(encodeArg(a))
			}
		}))
	}
	switch last.Type {
	case model.TypeString:
		w.prep = append(w.prep, jen.Id(argsLocal).Op("=").Append(jen.Id(argsLocal), jen.Id(last.ident).Op("...")))
	case model.TypeJSON:
		w.prep = append(w.prep, jen.For(jen.List(jen.Id("_"), jen.Id(loopVar)).Op(":=").Range().Id(last.ident)).Block(
			jen.List(jen.Id(encLocal), jen.Err()).Op(":=").Add(rt("FormatJSON")).Call(jen.Id(loopVar)),
			jen.If(jen.Err().Op("!=").Nil()).Block(fail(last.Name)),
			jen.Id(argsLocal).Op("=").Append(jen.Id(argsLocal), jen.Id(encLocal)),
		))
	default:
		w.prep = append(w.prep, jen.For(jen.List(jen.Id("_"), jen.Id(loopVar)).Op(":=").Range().Id(last.ident)).Block(
			jen.Id(argsLocal).Op("=").Append(jen.Id(argsLocal), rt(encoders[last.Type]).Call(jen.Id(loopVar))),
		))
	}
	w.args = jen.Id(argsLocal)
	return w
}

// wireLocals lists the locals buildWire declares for s, which its
// parameters must not be named like.
func wireLocals(s *model.Script) []string {
	var locals []string
	if n := len(s.Keys); n > 1 && s.Keys[n-1].Variadic {
		locals = append(locals, keysLocal)
	}
	if n := len(s.Args); n > 0 && s.Args[n-1].Variadic {
		last := s.Args[n-1]
		if n > 1 || last.Type != model.TypeString {
			locals = append(locals, argsLocal)
		}
		if last.Type != model.TypeString {
			locals = append(locals, loopVar)
		}
		if last.Type == model.TypeJSON {
			locals = append(locals, encLocal)
		}
	}
	return locals
}

// encodeArg is the string form of a non-variadic arg.
func encodeArg(a param) jen.Code {
	switch {
	case a.jsonLocal != "":
		return jen.Id(a.jsonLocal)
	case a.Type == model.TypeString:
		return jen.Id(a.ident)
	}
	return rt(encoders[a.Type]).Call(jen.Id(a.ident))
}

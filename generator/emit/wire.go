package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/luagen/luagen/generator/model"
)

// callParams is the parameter list shared by the call method (after ctx),
// the pipeline method and the interface: keys, then args, with adjacent
// parameters of one type sharing it, as in "bucket, log string". A group
// that would not fit on a line of a broken interface method is split.
func (pl *scriptPlan) callParams() []piece {
	const budget = maxWidth - 2*tabWidth - len(",")
	all := append(append([]param(nil), pl.keys...), pl.args...)
	var out []piece
	for i := 0; i < len(all); {
		p := all[i]
		t, _ := pl.be.goType(p.Type)
		switch {
		case p.ellipsis:
			t = atom{jen.Op("...").Add(t.code), len("...") + t.w}
		case p.asSlice:
			t = sliceOf(t)
		}
		names := []jen.Code{jen.Id(p.ident)}
		w := cols(p.ident) + len(" ") + t.w
		// A variadic parameter shares its type with no other.
		for i++; i < len(all) && !p.ellipsis && !all[i].ellipsis && all[i].asSlice == p.asSlice && all[i].Type == p.Type; i++ {
			next := len(", ") + cols(all[i].ident)
			if w+next > budget {
				break
			}
			names = append(names, jen.Id(all[i].ident))
			w += next
		}
		out = append(out, atom{jen.List(names...).Add(t.code), w})
	}
	return out
}

// bodyDepth is the indentation of a method body's statements.
const bodyDepth = 1

// wire is how a call's KEYS and ARGV are built from its parameters.
type wire struct {
	prep       []jen.Code // statements to run first, at bodyDepth
	keys, args piece      // the []string expressions to pass
	errDecl    bool       // prep declares err at function scope
}

// buildWire renders the code that turns parameters into KEYS and ARGV.
// fail renders the statement, indented depth tabs, returning an encoding
// error of the named arg (the error itself is in err).
func (pl *scriptPlan) buildWire(fail func(arg string, depth int) jen.Code) wire {
	var w wire
	// JSON args are encoded first so a failure returns before anything is built.
	for _, a := range pl.args {
		if a.jsonLocal == "" {
			continue
		}
		w.prep = append(w.prep,
			assign(bodyDepth, 0, 0, ":=", []string{a.jsonLocal, "err"}, call(pl.be.rtName("FormatJSON"), ident(a.ident))),
			jen.If(jen.Err().Op("!=").Nil()).Block(fail(a.Name, bodyDepth+1)),
		)
		w.errDecl = true
	}

	w.keys = ident("nil")
	if n := len(pl.keys); n > 0 {
		last := pl.keys[n-1]
		switch {
		case !last.Variadic:
			keys := make([]piece, n)
			for i, k := range pl.keys {
				keys[i] = ident(k.ident)
			}
			w.keys = values(sliceOf(ident("string")), keys...)
		case n == 1:
			// Call and Queue do not retain keys, so the caller's slice can go as is.
			w.keys = ident(last.ident)
		default:
			fixed := []piece{ident(keysLocal)}
			for _, k := range pl.keys[:n-1] {
				fixed = append(fixed, ident(k.ident))
			}
			w.prep = append(w.prep,
				jen.Id(keysLocal).Op(":=").Make(jen.Index().String(), jen.Lit(0), jen.Lit(n-1).Op("+").Len(jen.Id(last.ident))),
				assign(bodyDepth, 0, 0, "=", []string{keysLocal}, call(ident("append"), fixed...)),
				assign(bodyDepth, 0, 0, "=", []string{keysLocal}, call(ident("append"), ident(keysLocal), spread(last.ident))),
			)
			w.keys = ident(keysLocal)
		}
	}

	w.args = ident("nil")
	n := len(pl.args)
	if n == 0 {
		return w
	}
	last := pl.args[n-1]
	if !last.Variadic {
		args := make([]piece, n)
		for i, a := range pl.args {
			args[i] = pl.encodeArg(a)
		}
		w.args = values(sliceOf(ident("string")), args...)
		return w
	}
	if n == 1 && last.Type == model.TypeString {
		w.args = ident(last.ident)
		return w
	}
	w.prep = append(w.prep, jen.Id(argsLocal).Op(":=").Make(jen.Index().String(), jen.Lit(0), jen.Lit(n-1).Op("+").Len(jen.Id(last.ident))))
	if n > 1 {
		fixed := []piece{ident(argsLocal)}
		for _, a := range pl.args[:n-1] {
			fixed = append(fixed, pl.encodeArg(a))
		}
		w.prep = append(w.prep, assign(bodyDepth, 0, 0, "=", []string{argsLocal}, call(ident("append"), fixed...)))
	}
	loop := jen.For(jen.List(jen.Id("_"), jen.Id(loopVar)).Op(":=").Range().Id(last.ident))
	switch last.Type {
	case model.TypeString:
		w.prep = append(w.prep, assign(bodyDepth, 0, 0, "=", []string{argsLocal}, call(ident("append"), ident(argsLocal), spread(last.ident))))
	case model.TypeJSON:
		w.prep = append(w.prep, loop.Block(
			assign(bodyDepth+1, 0, 0, ":=", []string{encLocal, "err"}, call(pl.be.rtName("FormatJSON"), ident(loopVar))),
			jen.If(jen.Err().Op("!=").Nil()).Block(fail(last.Name, bodyDepth+2)),
			jen.Id(argsLocal).Op("=").Append(jen.Id(argsLocal), jen.Id(encLocal)),
		))
	default:
		w.prep = append(w.prep, loop.Block(
			assign(bodyDepth+1, 0, 0, "=", []string{argsLocal}, call(ident("append"), ident(argsLocal), call(pl.be.rtName(encoders[last.Type]), ident(loopVar)))),
		))
	}
	w.args = ident(argsLocal)
	return w
}

// assign is the assignment "names op value" on a line indented depth tabs,
// where before and after are the columns of what shares the line (an if
// statement's "if " and "; err != nil {").
func assign(depth, before, after int, op string, names []string, value piece) *jen.Statement {
	lhs := make([]jen.Code, len(names))
	used := before + len(" ") + cols(op) + len(" ")
	for i, n := range names {
		lhs[i] = jen.Id(n)
		used += cols(n)
		if i > 0 {
			used += len(", ")
		}
	}
	return jen.List(lhs...).Op(op).Add(value.fit(depth, used, after))
}

// spread is "name..." in a call.
func spread(name string) atom { return atom{jen.Id(name).Op("..."), cols(name) + len("...")} }

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
func (pl *scriptPlan) encodeArg(a param) piece {
	switch {
	case a.jsonLocal != "":
		return ident(a.jsonLocal)
	case a.Type == model.TypeString:
		return ident(a.ident)
	}
	return call(pl.be.rtName(encoders[a.Type]), ident(a.ident))
}

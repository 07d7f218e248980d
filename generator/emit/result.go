package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/luagen/luagen/generator/model"
)

// genResult renders the result struct and its decoder when the script
// returns a struct, and the decoder wrapping a nullable result.
func genResult(f *jen.File, pl *scriptPlan) {
	r := pl.s.Result
	if r.Type == model.TypeStruct {
		genStruct(f, pl)
		genStructDecoder(f, pl)
	}
	if pl.wrapDecoder == "" {
		return
	}
	t := pl.resultType()
	results := atom{jen.Params(t.code, jen.Error()), len("(") + t.w + len(", error)")}
	f.Add(docComment(pl.wrapDecoder + " gives nil for a nil reply.")).Func().Id(pl.wrapDecoder).
		Add(pl.decoderParams().fit(0, len("func ")+cols(pl.wrapDecoder), len(" ")+results.w+len(" {"))).
		Add(results.code).Block(
		jen.Return(call(pl.be.rtName("Nullable"), ident("m"), pl.decoderOf(r.Type)).fit(bodyDepth, len("return "), 0)),
	)
}

// decoderParams is the parameter list of a decoder: (m rueidis.RedisMessage)
// or, for go-redis, (m any).
func (pl *scriptPlan) decoderParams() list {
	t := pl.be.messageType()
	return params(atom{jen.Id("m").Add(t.code), len("m ") + t.w})
}

// decoderOf is the decoder of a non-nullable value of type t.
func (pl *scriptPlan) decoderOf(t model.Type) atom {
	if t == model.TypeStruct {
		return ident(pl.structDecoder)
	}
	return pl.be.rtName(decoders[t])
}

func genStruct(f *jen.File, pl *scriptPlan) {
	r := pl.s.Result
	doc := []string{r.StructName + " is the reply of " + pl.name + "."}
	if lines := docLines(r.Doc); len(lines) > 0 {
		doc = append(append(doc, ""), lines...)
	}
	f.Add(docComment(doc...)).Type().Id(r.StructName).StructFunc(func(g *jen.Group) {
		for _, fl := range r.Fields {
			t, _ := pl.be.goType(fl.Type)
			if fl.Nullable && !nilable(fl.Type) {
				t = ptrTo(t)
			}
			g.Add(memberDoc(docLines(fl.Doc)...)).Id(fl.GoName).Add(t.code)
		}
	})
}

// genStructDecoder renders the decoder of a positional array into the
// struct. Lua arrays end at their first nil, so runtime.Fields accepts
// fewer elements than fields; missing fields are errors unless nullable.
func genStructDecoder(f *jen.File, pl *scriptPlan) {
	r := pl.s.Result
	ret := jen.Return(jen.Id("r"), jen.Err())
	results := atom{jen.Params(jen.Id("r").Id(r.StructName), jen.Err().Error()), len("(r ") + cols(r.StructName) + len(", err error)")}
	f.Func().Id(pl.structDecoder).
		Add(pl.decoderParams().fit(0, len("func ")+cols(pl.structDecoder), len(" ")+results.w+len(" {"))).
		Add(results.code).BlockFunc(func(g *jen.Group) {
		g.List(jen.Id("f"), jen.Err()).Op(":=").Add(pl.be.rt("Fields")).Call(jen.Op("&").Id("m"), jen.Lit(len(r.Fields)))
		g.If(jen.Err().Op("!=").Nil()).Block(ret.Clone())
		// Each field is read in an if statement's init, whose call breaks
		// like any other when the line is too long.
		const cond = "; err != nil {"
		for i, fl := range r.Fields {
			fn, lhs, op := "Field", "r."+fl.GoName, "="
			if fl.Nullable {
				fn = "NullableField"
			}
			// A nil slice, map or message already means "no value": the
			// pointer NullableField gives for a missing element is unwrapped.
			unwrap := fl.Nullable && nilable(fl.Type)
			if unwrap {
				lhs, op = "v", ":="
			}
			read := call(pl.be.rtName(fn), ident("f"), intLit(i), strLit(fl.Name), pl.be.rtName(readerOf(fl.Type)))
			st := g.If(assign(bodyDepth, len("if "), len(cond), op, []string{lhs, "err"}, read), jen.Err().Op("!=").Nil()).Block(ret.Clone())
			if unwrap {
				st.Else().If(jen.Id("v").Op("!=").Nil()).Block(
					jen.Id("r").Dot(fl.GoName).Op("=").Op("*").Id("v"),
				)
			}
		}
		g.Return(jen.Id("r"), jen.Nil())
	})
}

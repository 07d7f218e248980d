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
	inner := pl.decoderOf(r.Type)
	f.Add(comments(pl.wrapDecoder+" gives nil for a nil reply.")).Func().Id(pl.wrapDecoder).Params(jen.Id("m").Qual(rueidisPath, "RedisMessage")).Params(pl.resultType(), jen.Error()).Block(
		jen.Return(rt("Nullable").Call(jen.Id("m"), inner)),
	)
}

// decoderOf is the decoder of a non-nullable value of type t.
func (pl *scriptPlan) decoderOf(t model.Type) *jen.Statement {
	if t == model.TypeStruct {
		return jen.Id(pl.structDecoder)
	}
	return rt(decoders[t])
}

func genStruct(f *jen.File, pl *scriptPlan) {
	r := pl.s.Result
	doc := []string{r.StructName + " is the reply of " + pl.name + "."}
	if lines := docLines(r.Doc); len(lines) > 0 {
		doc = append(append(doc, ""), lines...)
	}
	f.Add(comments(doc...)).Type().Id(r.StructName).StructFunc(func(g *jen.Group) {
		for _, fl := range r.Fields {
			t, _ := goType(fl.Type)
			if fl.Nullable && !nilable(fl.Type) {
				t = jen.Op("*").Add(t)
			}
			g.Add(comments(docLines(fl.Doc)...)).Id(fl.GoName).Add(t)
		}
	})
}

// genStructDecoder renders the decoder of a positional array into the
// struct. Lua arrays end at their first nil, so runtime.Fields accepts
// fewer elements than fields; missing fields are errors unless nullable.
func genStructDecoder(f *jen.File, pl *scriptPlan) {
	r := pl.s.Result
	ret := jen.Return(jen.Id("r"), jen.Err())
	f.Func().Id(pl.structDecoder).Params(jen.Id("m").Qual(rueidisPath, "RedisMessage")).Params(
		jen.Id("r").Id(r.StructName), jen.Err().Error(),
	).BlockFunc(func(g *jen.Group) {
		g.List(jen.Id("f"), jen.Err()).Op(":=").Add(rt("Fields")).Call(jen.Op("&").Id("m"), jen.Lit(len(r.Fields)))
		g.If(jen.Err().Op("!=").Nil()).Block(ret.Clone())
		for i, fl := range r.Fields {
			args := []jen.Code{jen.Id("f"), jen.Lit(i), jen.Lit(fl.Name), rt(readerOf(fl.Type))}
			switch {
			case !fl.Nullable:
				g.If(jen.List(jen.Id("r").Dot(fl.GoName), jen.Err()).Op("=").Add(rt("Field")).Call(args...), jen.Err().Op("!=").Nil()).Block(ret.Clone())
			case !nilable(fl.Type):
				g.If(jen.List(jen.Id("r").Dot(fl.GoName), jen.Err()).Op("=").Add(rt("NullableField")).Call(args...), jen.Err().Op("!=").Nil()).Block(ret.Clone())
			default:
				// A nil slice, map or message already means "no value":
				// unwrap the pointer NullableField gives for a missing element.
				g.If(jen.List(jen.Id("v"), jen.Err()).Op(":=").Add(rt("NullableField")).Call(args...), jen.Err().Op("!=").Nil()).Block(
					ret.Clone(),
				).Else().If(jen.Id("v").Op("!=").Nil()).Block(
					jen.Id("r").Dot(fl.GoName).Op("=").Op("*").Id("v"),
				)
			}
		}
		g.Return(jen.Id("r"), jen.Nil())
	})
}

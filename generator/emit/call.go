package emit

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/luagen/luagen/generator/model"
)

// genCall renders the single-call method on *Scripts: EVALSHA with the
// NOSCRIPT fallback, all in runtime.Call.
func genCall(f *jen.File, pl *scriptPlan) {
	resultType := pl.resultType()
	w := pl.buildWire(func(arg string) jen.Code {
		argErr := rt("ArgError").Call(jen.Id(pl.scriptVar), jen.Lit(arg), jen.Err())
		if resultType == nil {
			return jen.Return(argErr)
		}
		return jen.Return(pl.zero(), argErr)
	})
	call := rt("Call").Call(jen.Id("ctx"), jen.Id("s").Dot("r"), jen.Id(pl.scriptVar), w.keys, w.args, pl.decoder())

	f.Add(comments(pl.callDoc()...)).Func().Add(scriptsRecv()).Id(pl.name).Params(
		append([]jen.Code{jen.Id("ctx").Qual("context", "Context")}, pl.callParams()...)...,
	).Add(pl.callResults()).BlockFunc(func(g *jen.Group) {
		for _, st := range w.prep {
			g.Add(st)
		}
		if resultType != nil {
			g.Return(call)
			return
		}
		op := ":="
		if w.errDecl {
			op = "="
		}
		g.List(jen.Id("_"), jen.Err()).Op(op).Add(call)
		g.Return(jen.Err())
	})
}

// callResults is the result list of the call method: (T, error) or error.
func (pl *scriptPlan) callResults() *jen.Statement {
	if t := pl.resultType(); t != nil {
		return jen.Params(t, jen.Error())
	}
	return jen.Error()
}

// summary is the first paragraph of the method's doc: the header's doc:
// turned into a sentence about the method, or where the script lives.
func (pl *scriptPlan) summary() []string {
	if lines := sentence(pl.name, docLines(pl.s.Doc)); len(lines) > 0 {
		return lines
	}
	return []string{pl.name + " runs " + oneLine(pl.s.File) + "."}
}

// callDoc documents the call method: the summary, then what each KEYS and
// ARGV slot holds, what comes back, and whether replicas may serve it.
func (pl *scriptPlan) callDoc() []string {
	lines := pl.summary()
	var detail []string
	for _, block := range [][]string{paramDoc("Keys", pl.keys), paramDoc("Args", pl.args)} {
		// gofmt wants a blank line between a list and what follows it.
		if n := len(detail); n > 0 && strings.HasPrefix(detail[n-1], "  - ") && len(block) > 0 {
			detail = append(detail, "")
		}
		detail = append(detail, block...)
	}
	if n := len(detail); n > 0 && strings.HasPrefix(detail[n-1], "  - ") {
		detail = append(detail, "")
	}
	if d := oneLine(pl.s.Result.Doc); d != "" && pl.s.Result.Type != model.TypeStruct {
		detail = append(detail, endSentence(sentence("Returns", []string{d})[0]))
	}
	if r := pl.s.Result; r.Nullable && r.Type != model.TypeNone {
		detail = append(detail, "A nil reply gives a nil result.")
	}
	if pl.s.ReadOnly {
		detail = append(detail, "It is read-only: it runs with EVALSHA_RO and may be served by replicas.")
	}
	for len(detail) > 0 && detail[len(detail)-1] == "" {
		detail = detail[:len(detail)-1]
	}
	if len(detail) > 0 {
		lines = append(append(lines, ""), detail...)
	}
	return lines
}

// paramDoc lists keys or args with their KEYS/ARGV slots: on one line when
// none has a doc, else as a list with each doc.
func paramDoc(title string, ps []param) []string {
	if len(ps) == 0 {
		return nil
	}
	items := make([]string, len(ps))
	documented := false
	for i, p := range ps {
		items[i] = describe(p)
		if d := oneLine(p.Doc); d != "" {
			items[i] += ": " + d
			documented = true
		}
	}
	if !documented {
		return []string{title + ": " + strings.Join(items, ", ") + "."}
	}
	lines := []string{title + ":"}
	for _, it := range items {
		lines = append(lines, "  - "+it)
	}
	return lines
}

// describe names a parameter and its slot: "now (ARGV[3], Unix milliseconds)".
func describe(p param) string {
	slot := "ARGV"
	if p.key {
		slot = "KEYS"
	}
	notes := []string{fmt.Sprintf("%s[%d]", slot, p.index)}
	if p.Variadic {
		notes[0] += " onward, variadic"
	}
	switch p.Type {
	case model.TypeDuration:
		notes = append(notes, "milliseconds")
	case model.TypeTime:
		notes = append(notes, "Unix milliseconds")
	case model.TypeJSON:
		notes = append(notes, "JSON")
	case model.TypeBool:
		notes = append(notes, "1 or 0")
	}
	if p.renamed {
		notes = append(notes, "parameter "+p.ident)
	}
	return oneLine(p.Name) + " (" + strings.Join(notes, ", ") + ")"
}

// endSentence adds a full stop unless s already ends a sentence.
func endSentence(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

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
	w := pl.buildWire(func(arg string, depth int) jen.Code {
		argErr := call(pl.be.rtName("ArgError"), ident(pl.scriptVar), strLit(arg), ident("err"))
		if pl.resultType().none() {
			return jen.Return(argErr.fit(depth, len("return "), 0))
		}
		zero := pl.zero()
		return jen.Return(zero.code, argErr.fit(depth, len("return ")+zero.w+len(", "), 0))
	})
	run := call(pl.be.rtName("Call"), ident("ctx"), selector("s", "r"), ident(pl.scriptVar), w.keys, w.args, pl.decoder())

	results := pl.callResults()
	f.Add(docComment(pl.callDoc()...)).Func().Add(scriptsRecv()).Id(pl.name).
		Add(pl.signature(true).fit(0, len("func (s *Scripts) ")+cols(pl.name), len(" ")+results.w+len(" {"))).
		Add(results.code).BlockFunc(func(g *jen.Group) {
		for _, st := range w.prep {
			g.Add(st)
		}
		if !pl.resultType().none() {
			g.Return(run.fit(bodyDepth, len("return "), 0))
			return
		}
		op := ":="
		if w.errDecl {
			op = "="
		}
		g.Add(assign(bodyDepth, 0, 0, op, []string{"_", "err"}, run))
		g.Return(jen.Err())
	})
}

// signature is the parameter list of the call method and the interface
// (withCtx) or of the pipeline method.
func (pl *scriptPlan) signature(withCtx bool) list {
	ps := pl.callParams()
	if withCtx {
		ctx := atom{jen.Id("ctx").Qual("context", "Context"), len("ctx context.Context")}
		ps = append([]piece{ctx}, ps...)
	}
	return params(ps...)
}

// callResults is the result list of the call method: (T, error) or error.
func (pl *scriptPlan) callResults() atom {
	if t := pl.resultType(); !t.none() {
		return atom{jen.Params(t.code, jen.Error()), len("(") + t.w + len(", error)")}
	}
	return ident("error")
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
// none has a doc and the line fits, else as a list with each doc.
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
	if line := title + ": " + strings.Join(items, ", ") + "."; !documented && len("// ")+cols(line) <= maxWidth {
		return []string{line}
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

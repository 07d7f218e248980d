package emit

import (
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/luagen/luagen/generator/library"
	"github.com/luagen/luagen/generator/model"
)

// scriptPlan is every rendering decision about one script, made once so
// that the gen functions only render. generator/check has passed the
// model: its names are valid, distinct and clear of what every package
// declares, so a plan only picks names users never refer to.
type scriptPlan struct {
	be       *backend // the client the package is written for
	s        *model.Script
	fileName string // "take_tokens.luagen.go"
	name     string // Go name of the call methods: "TakeTokens"

	sourceConst string // "TakeTokensSource"
	sha1Const   string // "TakeTokensSHA1"
	scriptVar   string // "takeTokensScript"
	linesVar    string // "takeTokensLines", for a script with includes; else ""
	// structDecoder decodes the struct result ("decodeTakeTokensResult");
	// wrapDecoder wraps a decoder for a nullable result ("decodeTakeTokens").
	// Each is "" when not needed.
	structDecoder string
	wrapDecoder   string

	keys []param
	args []param

	// fn and libVar are set in a package with a Functions library: the
	// script's function and the package variable holding the library.
	fn     *library.Function
	libVar string
}

// param is a key or an arg with the Go name the namer gave it.
type param struct {
	model.Param
	ident     string // Go parameter name
	renamed   bool   // ident is not the checker's GoName (it collided)
	key       bool
	index     int    // 1-based position in KEYS or ARGV
	asSlice   bool   // variadic rendered as []T (a variadic key followed by args)
	ellipsis  bool   // variadic rendered as ...T
	jsonLocal string // local holding the encoding of a non-variadic json arg
}

func planPackage(pkg *model.Package) []*scriptPlan {
	scripts := slices.Clone(pkg.Files)
	slices.SortStableFunc(scripts, func(a, b *model.Script) int { return strings.Compare(a.File, b.File) })

	// Unexported helpers cannot clash with exported names (case differs),
	// only with each other; the namer resolves that silently since no user
	// code refers to them.
	be := backendOf(pkg)
	pkgNames := newNamer(model.PackageNames, predeclared, be.names)
	plans := make([]*scriptPlan, 0, len(scripts))
	for _, s := range scripts {
		if s == nil {
			continue
		}
		pl := &scriptPlan{be: be, s: s, name: s.GoName, fileName: s.GoFile()}
		pl.sourceConst, pl.sha1Const = pl.name+"Source", pl.name+"SHA1"
		for _, n := range s.GeneratedNames() {
			pkgNames.taken[n] = true
		}
		plans = append(plans, pl)
	}
	for _, pl := range plans {
		base := lowerFirst(pl.name)
		pl.scriptVar = pkgNames.name(base+"Script", "")
		if len(pl.s.Lines) > 0 {
			pl.linesVar = pkgNames.name(base+"Lines", "")
		}
		r := pl.s.Result
		if r.Type == model.TypeStruct {
			pl.structDecoder = pkgNames.name("decode"+r.StructName, "")
		}
		if r.Nullable && (r.Type == model.TypeStruct || (r.Type != model.TypeNone && !nilable(r.Type))) {
			pl.wrapDecoder = pkgNames.name("decode"+pl.name, "")
		}
	}

	if pkg.Library != "" {
		lib := library.Build(pkg)
		libVar := pkgNames.name("library", "")
		for _, pl := range plans {
			fn := lib.Functions[pl.s]
			pl.fn, pl.libVar = &fn, libVar
		}
	}

	// Parameter names avoid every package-level name (so a body never
	// refers to a shadowed declaration), keywords, predeclared identifiers
	// and the names the methods use.
	for _, pl := range plans {
		planParams(pl, pkgNames)
	}
	return plans
}

func planParams(pl *scriptPlan, pkgNames *namer) {
	s := pl.s
	names := pkgNames.inner(pl.be.names, wireLocals(s))
	add := func(p model.Param, key bool, index int) param {
		suffix := "Arg"
		if key {
			p.Type = model.TypeString
			suffix = "Key"
		}
		q := param{Param: p, key: key, index: index}
		q.ident = names.name(p.GoName, suffix)
		q.renamed = q.ident != p.GoName
		return q
	}
	for i, k := range s.Keys {
		q := add(k, true, i+1)
		if q.Variadic {
			q.ellipsis = len(s.Args) == 0
			q.asSlice = !q.ellipsis
		}
		pl.keys = append(pl.keys, q)
	}
	for i, a := range s.Args {
		q := add(a, false, i+1)
		q.ellipsis = q.Variadic
		pl.args = append(pl.args, q)
	}
	// Locals come after all parameters so they never take a parameter's name.
	for i := range pl.args {
		if a := &pl.args[i]; a.Type == model.TypeJSON && !a.Variadic {
			a.jsonLocal = names.name(a.ident+"JSON", "")
		}
	}
}

// resultType is what the call method returns besides error, none for none.
func (pl *scriptPlan) resultType() atom {
	r := pl.s.Result
	switch {
	case r.Type == model.TypeNone:
		return atom{}
	case r.Type == model.TypeStruct && r.Nullable:
		return ptrTo(ident(r.StructName))
	case r.Type == model.TypeStruct:
		return ident(r.StructName)
	}
	t, _ := pl.be.goType(r.Type)
	if r.Nullable && !nilable(r.Type) {
		return ptrTo(t)
	}
	return t
}

// futureType is the T of the pipeline method's runtime.Future[T].
func (pl *scriptPlan) futureType() atom {
	if t := pl.resultType(); !t.none() {
		return t
	}
	return atom{jen.Struct(), len("struct{}")}
}

// decoder is the runtime.Decoder passed to Call and Queue.
func (pl *scriptPlan) decoder() atom {
	switch {
	case pl.wrapDecoder != "":
		return ident(pl.wrapDecoder)
	case pl.structDecoder != "":
		return ident(pl.structDecoder)
	}
	return pl.be.rtName(decoders[pl.s.Result.Type])
}

// zero is the value the call method returns with an arg-encoding error.
func (pl *scriptPlan) zero() atom {
	r := pl.s.Result
	switch {
	case r.Type == model.TypeStruct && !r.Nullable:
		return literal(ident(r.StructName))
	case r.Nullable && !nilable(r.Type):
		return ident("nil")
	}
	return pl.be.zeroValue(r.Type)
}

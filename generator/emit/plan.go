package emit

import (
	"go/build"
	"io"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/luagen/luagen/generator/model"
)

// Names the shared file declares: model.PackageNames at package level, and
// these methods. A script's call methods must not take them.
var (
	scriptsMethods  = []string{"Runner", "Load", "Pipeline"}
	pipelineMethods = []string{"Batch", "Exec"}
)

// scriptPlan is every name and shape decision about one script, made once
// so that the gen functions only render.
type scriptPlan struct {
	s        *model.Script
	fileName string // "take_tokens.luagen.go"
	name     string // Go name of the call methods: "TakeTokens"

	sourceConst string // "TakeTokensSource"
	sha1Const   string // "TakeTokensSHA1"
	scriptVar   string // "takeTokensScript"
	// structDecoder decodes the struct result ("decodeTakeTokensResult");
	// wrapDecoder wraps a decoder for a nullable result ("decodeTakeTokens").
	// Each is "" when not needed.
	structDecoder string
	wrapDecoder   string

	keys []param
	args []param
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

func planPackage(pkg *model.Package) ([]*scriptPlan, error) {
	if !isIdent(pkg.Name) || pkg.Name == "_" {
		return nil, errorAt("luagen.yaml", 0, 0, "package name %q is not a Go identifier", pkg.Name)
	}
	scripts := slices.Clone(pkg.Files)
	slices.SortStableFunc(scripts, func(a, b *model.Script) int { return strings.Compare(a.File, b.File) })

	// Exported package-level names and method names must be unique; a clash
	// is an error because renaming would change the API behind the user's
	// back. Each table maps a name to a description of who declared it.
	const everyPackage = " luagen generates in every package"
	global := map[string]string{}
	for _, n := range model.PackageNames {
		global[n] = n + everyPackage
	}
	methods := map[string]string{}
	for _, n := range scriptsMethods {
		methods[n] = "the method Scripts." + n + everyPackage
	}
	for _, n := range pipelineMethods {
		methods[n] = "the method Pipeline." + n + everyPackage
	}
	files := map[string]string{SharedFile: SharedFile + everyPackage}
	claim := func(table map[string]string, name string, s *model.Script) error {
		if prev, ok := table[name]; ok {
			if strings.HasSuffix(name, ".go") {
				return errorAt(s.File, 0, 0, "the generated file %s clashes with %s; rename the script file", name, prev)
			}
			return errorAt(s.File, s.NamePos.Line, s.NamePos.Col, "script name %s makes the Go name %s, which clashes with %s; set a different name: in the header", s.GoName, name, prev)
		}
		table[name] = "the one generated for " + s.File
		return nil
	}

	plans := make([]*scriptPlan, 0, len(scripts))
	for _, s := range scripts {
		if s == nil {
			continue
		}
		pl := &scriptPlan{s: s, name: s.GoName, fileName: FileName(s.File)}
		if !isExported(pl.name) {
			return nil, errorAt(s.File, s.NamePos.Line, s.NamePos.Col, "script name %q does not give an exported Go identifier", pl.name)
		}
		if err := checkFileName(s, pl.fileName); err != nil {
			return nil, err
		}
		if err := claim(files, pl.fileName, s); err != nil {
			return nil, err
		}
		if err := claim(methods, pl.name, s); err != nil {
			return nil, err
		}
		pl.sourceConst, pl.sha1Const = pl.name+"Source", pl.name+"SHA1"
		for _, n := range []string{pl.sourceConst, pl.sha1Const} {
			if err := claim(global, n, s); err != nil {
				return nil, err
			}
		}
		if s.Result.Type == model.TypeStruct {
			if !isExported(s.Result.StructName) {
				return nil, errorAt(s.File, s.HeaderLine, 0, "result struct name %q is not an exported Go identifier", s.Result.StructName)
			}
			if err := claim(global, s.Result.StructName, s); err != nil {
				return nil, err
			}
		}
		plans = append(plans, pl)
	}

	// Unexported helpers cannot clash with exported names (case differs),
	// only with each other; the namer resolves that silently since no user
	// code refers to them.
	pkgNames := newNamer(model.PackageNames, predeclared, methodNames)
	for n := range global {
		pkgNames.taken[n] = true
	}
	for _, pl := range plans {
		base := lowerFirst(pl.name)
		pl.scriptVar = pkgNames.name(base+"Script", "")
		r := pl.s.Result
		if r.Type == model.TypeStruct {
			pl.structDecoder = pkgNames.name("decode"+r.StructName, "")
		}
		if r.Nullable && (r.Type == model.TypeStruct || (r.Type != model.TypeNone && !nilable(r.Type))) {
			pl.wrapDecoder = pkgNames.name("decode"+pl.name, "")
		}
	}

	// Parameter names avoid every package-level name (so a body never
	// refers to a shadowed declaration), keywords, predeclared identifiers
	// and the names the methods use.
	for _, pl := range plans {
		if err := checkResult(pl.s); err != nil {
			return nil, err
		}
		if err := planParams(pl, pkgNames); err != nil {
			return nil, err
		}
	}
	return plans, nil
}

func planParams(pl *scriptPlan, pkgNames *namer) error {
	s := pl.s
	names := pkgNames.inner(methodNames, wireLocals(s))
	seen := map[string]bool{}
	add := func(p model.Param, key bool, index, count int) (param, error) {
		kind := "arg"
		if key {
			kind = "key"
		}
		if p.GoName == "" || !isIdent(p.GoName) {
			return param{}, errorAt(s.File, p.Pos.Line, p.Pos.Col, "%s %q does not give a Go identifier", kind, p.Name)
		}
		if seen[p.GoName] {
			return param{}, errorAt(s.File, p.Pos.Line, p.Pos.Col, "%s %q has the same Go name (%s) as an earlier key or arg", kind, p.Name, p.GoName)
		}
		seen[p.GoName] = true
		if p.Variadic && index != count {
			return param{}, errorAt(s.File, p.Pos.Line, p.Pos.Col, "only the last %s may be variadic", kind)
		}
		if key {
			p.Type = model.TypeString
		} else if _, ok := encoders[p.Type]; !ok && p.Type != model.TypeString {
			return param{}, errorAt(s.File, p.Pos.Line, p.Pos.Col, "arg %q has type %q, which is not an arg type", p.Name, p.Type)
		}
		suffix := "Arg"
		if key {
			suffix = "Key"
		}
		q := param{Param: p, key: key, index: index}
		q.ident = names.name(p.GoName, suffix)
		q.renamed = q.ident != p.GoName
		return q, nil
	}
	for i, k := range s.Keys {
		q, err := add(k, true, i+1, len(s.Keys))
		if err != nil {
			return err
		}
		if q.Variadic {
			q.ellipsis = len(s.Args) == 0
			q.asSlice = !q.ellipsis
		}
		pl.keys = append(pl.keys, q)
	}
	for i, a := range s.Args {
		q, err := add(a, false, i+1, len(s.Args))
		if err != nil {
			return err
		}
		q.ellipsis = q.Variadic
		pl.args = append(pl.args, q)
	}
	// Locals come after all parameters so they never take a parameter's name.
	for i := range pl.args {
		if a := &pl.args[i]; a.Type == model.TypeJSON && !a.Variadic {
			a.jsonLocal = names.name(a.ident+"JSON", "")
		}
	}
	return nil
}

func checkResult(s *model.Script) error {
	r := s.Result
	if r.Type == model.TypeStruct {
		if len(r.Fields) == 0 {
			return errorAt(s.File, s.HeaderLine, 0, "struct result has no fields")
		}
		seen := map[string]bool{}
		for _, f := range r.Fields {
			if !isExported(f.GoName) {
				return errorAt(s.File, s.HeaderLine, 0, "result field %q does not give an exported Go identifier", f.Name)
			}
			if seen[f.GoName] {
				return errorAt(s.File, s.HeaderLine, 0, "result field %q has the same Go name (%s) as an earlier field", f.Name, f.GoName)
			}
			seen[f.GoName] = true
			if _, ok := decoders[f.Type]; !ok || f.Type == model.TypeNone {
				return errorAt(s.File, s.HeaderLine, 0, "result field %q has type %q, which is not a field type", f.Name, f.Type)
			}
		}
		return nil
	}
	if _, ok := decoders[r.Type]; !ok {
		return errorAt(s.File, s.HeaderLine, 0, "result type %q is not a result type", r.Type)
	}
	return nil
}

// checkFileName rejects script names that would make the Go tool skip or
// constrain the generated file: a leading "_" or "." hides it, and a
// _<GOOS> or _<GOARCH> suffix ("cleanup_windows.lua") builds it on that
// platform only. It asks go/build itself, for a platform no suffix names.
func checkFileName(s *model.Script, name string) error {
	ctxt := build.Default
	ctxt.GOOS, ctxt.GOARCH = "luagenos", "luagenarch"
	ctxt.BuildTags, ctxt.ToolTags, ctxt.ReleaseTags = nil, nil, nil
	ctxt.OpenFile = func(string) (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader("package p\n")), nil
	}
	if ok, err := ctxt.MatchFile(".", name); err != nil || !ok {
		return errorAt(s.File, 0, 0, "the Go tool would skip or restrict the generated file %s to one platform (leading _ or ., or a _GOOS/_GOARCH suffix); rename the script file", name)
	}
	return nil
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
	t, _ := goType(r.Type)
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
	return rtName(decoders[pl.s.Result.Type])
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
	return zeroValue(r.Type)
}

package emit

import (
	"bytes"
	"go/ast"
	"go/doc/comment"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/luagen/luagen/generator/model"
	"github.com/luagen/luagen/internal/testmod"
)

var generatedRE = regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.$`)

func mustPackage(t *testing.T, pkg *model.Package) []File {
	t.Helper()
	files, err := Package(pkg, "example.com/emittest/"+pkg.Out)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestLayoutAndHeader(t *testing.T) {
	files := mustPackage(t, limiter(takeTokens()))
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
		first, _, _ := strings.Cut(string(f.Data), "\n")
		if first != Header || !generatedRE.MatchString(first) {
			t.Errorf("%s: first line %q", f.Name, first)
		}
		if formatted, err := format.Source(f.Data); err != nil || !bytes.Equal(formatted, f.Data) {
			t.Errorf("%s: not gofmt-clean (%v)", f.Name, err)
		}
	}
	if got, want := strings.Join(names, " "), "luagen.go take_tokens.luagen.go"; got != want {
		t.Errorf("files %q, want %q", got, want)
	}
}

func TestGofmtClean(t *testing.T) {
	for _, f := range mustPackage(t, allShapes()) {
		if formatted, err := format.Source(f.Data); err != nil || !bytes.Equal(formatted, f.Data) {
			t.Errorf("%s: not gofmt-clean (%v)", f.Name, err)
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, b := mustPackage(t, allShapes()), mustPackage(t, allShapes())
	if len(a) != len(b) {
		t.Fatal("different file counts")
	}
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Errorf("%s differs between runs", a[i].Name)
		}
	}
}

// TestSourceRoundTrip parses the generated constant back and checks it
// equals the script byte for byte, for sources that need a quoted literal
// as well as ones that fit a raw string.
func TestSourceRoundTrip(t *testing.T) {
	sources := map[string]bool{ // source → want a raw literal
		"return 1\n":                       true,
		"":                                 true,
		"no final newline":                 true,
		"\n\n\n":                           true,
		"-- */ /* \" \\ ${x} é 日本\n":       true,
		"local s = `x`\n":                  false,
		"return 1\r\nreturn 2\r\n":         false,
		"a\x00b\n":                         false,
		"bad utf8 \xff\xfe\n":              false,
		"\uFEFFbom\n":                      false,
		"tab\tand\x01control\n":            true,
		"`\n``\n\n`":                       false,
		"last line has cr\r":               false,
		strings.Repeat("long line ", 5000): true,
	}
	for src, wantRaw := range sources {
		s := takeTokens()
		s.Source = src
		files := mustPackage(t, limiter(s))
		data := files[1].Data
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "x.go", data, 0)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		var got string
		var raw bool
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if ok && vs.Names[0].Name == "TakeTokensSource" {
				got, raw = evalString(t, vs.Values[0])
			}
			return true
		})
		if got != src {
			t.Errorf("%q round-trips to %q", src, got)
		}
		if raw != wantRaw {
			t.Errorf("%q: raw literal %v, want %v", src, raw, wantRaw)
		}
		// The literal must end cleanly: the next doc comment starts a line.
		if !bytes.Contains(data, []byte("\n\n// TakeTokensSHA1 is")) {
			t.Errorf("%q: declaration after the source is mangled:\n%s", src, data)
		}
	}
}

// evalString evaluates a string literal or a + chain of them.
func evalString(t *testing.T, e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		s, err := strconv.Unquote(e.Value)
		if err != nil {
			t.Fatal(err)
		}
		return s, strings.HasPrefix(e.Value, "`")
	case *ast.ParenExpr:
		x, _ := evalString(t, e.X)
		return x, false
	case *ast.BinaryExpr:
		x, _ := evalString(t, e.X)
		y, _ := evalString(t, e.Y)
		return x + y, false
	}
	t.Fatalf("unexpected %T", e)
	return "", false
}

func TestNames(t *testing.T) {
	for in, want := range map[string]string{
		"TakeTokens": "takeTokens", "HTTPGet": "httpGet", "ID": "id", "SHA1Sum": "sha1Sum",
		"X": "x", "already": "already", "UserID": "userID", "ÉtéMode": "étéMode",
	} {
		if got := lowerFirst(in); got != want {
			t.Errorf("lowerFirst(%q) = %q, want %q", in, got, want)
		}
	}
	n := newNamer(methodNames)
	for _, c := range []struct{ want, suffix, got string }{
		{"bucket", "Key", "bucket"}, {"ctx", "Key", "ctxKey"}, {"ctx", "Key", "ctxKey2"}, {"type", "Arg", "typeArg"},
	} {
		if got := n.name(c.want, c.suffix); got != c.got {
			t.Errorf("name(%q) = %q, want %q", c.want, got, c.got)
		}
	}
}

// TestLineWidth checks that no generated line is wider than maxWidth
// columns, a tab counted as tabWidth, but for the lines of the Lua source.
func TestLineWidth(t *testing.T) {
	for _, pkg := range []*model.Package{allShapes(), limiter(takeTokens()), longNames()} {
		for _, f := range mustPackage(t, pkg) {
			fset := token.NewFileSet()
			parsed, err := parser.ParseFile(fset, f.Name, f.Data, 0)
			if err != nil {
				t.Fatal(err)
			}
			source := map[int]bool{}
			ast.Inspect(parsed, func(n ast.Node) bool {
				if vs, ok := n.(*ast.ValueSpec); ok && strings.HasSuffix(vs.Names[0].Name, "Source") {
					for l := fset.Position(vs.Pos()).Line; l <= fset.Position(vs.End()).Line; l++ {
						source[l] = true
					}
				}
				return true
			})
			for i, line := range strings.Split(string(f.Data), "\n") {
				w := utf8.RuneCountInString(strings.ReplaceAll(line, "\t", strings.Repeat(" ", tabWidth)))
				if w > maxWidth && !source[i+1] {
					t.Errorf("%s/%s:%d: %d columns: %s", pkg.Out, f.Name, i+1, w, line)
				}
			}
		}
	}
}

func TestWrapProse(t *testing.T) {
	long := strings.Repeat("word ", 30)
	code := "\tcode " + long
	got := wrapProse(0, []string{"short", long, "  - item " + long, code, "# Heading " + long, strings.Repeat("x", 200)})
	for _, l := range got {
		if w := len("// ") + cols(l); w > maxWidth && l != code && !strings.HasPrefix(l, "# ") && !strings.HasPrefix(l, "xxx") {
			t.Errorf("%d columns: %q", w, l)
		}
	}
	want := []string{"short", "word", "  - item word", "    word", code, "# Heading " + long, strings.Repeat("x", 200)}
	for _, w := range want {
		found := false
		for _, l := range got {
			found = found || strings.HasPrefix(l, w) && (w != "word" || !strings.HasPrefix(l, " "))
		}
		if !found {
			t.Errorf("no line starts with %q in %q", w, got)
		}
	}
	if n := strings.Count(strings.Join(got, " "), "word"); n != 30*4 {
		t.Errorf("%d words after wrapping, want %d", n, 30*4)
	}
}

// TestPlainText checks that the doc comments slashedDoc does not parse are
// the ones go/doc/comment would print back unchanged.
func TestPlainText(t *testing.T) {
	docs := [][]string{
		{"X queues a [Scripts.X] call; its future holds the result after Exec."},
		{"See https://example.com/a_b?c=d. It's *fine* and `quoted`.", "Second line: 1. two - three"},
		{"Quotes ``like this'' become curly."}, {"A Heading"}, {"Para", "", "Heading", "", "Para"},
		{"# Heading"}, {"[link]: https://example.com"}, {"  - item"}, {"\tcode"}, {"x", "  y"},
	}
	for _, s := range append(allShapes().Files, longNames().Files...) {
		docs = append(docs, docLines(s.Result.Doc), docLines(s.Doc))
	}
	for _, doc := range docs {
		if len(doc) == 0 || !plainText(doc) {
			continue
		}
		var p comment.Parser
		var pr comment.Printer
		text := strings.Join(doc, "\n") + "\n"
		if got := string(pr.Comment(p.Parse(text))); got != text {
			t.Errorf("plainText(%q), but go/doc/comment prints %q", doc, got)
		}
	}
	if plainText([]string{"a ``b''"}) || plainText([]string{"a", "", "b"}) || !plainText([]string{"a", "b"}) {
		t.Error("plainText misjudges a known case")
	}
}

func TestParamGroups(t *testing.T) {
	s := script("Merge", []model.Param{key("a"), key("b"), variadic(key("ks"))},
		[]model.Param{arg("c", model.TypeString), arg("d", model.TypeInt64), arg("e", model.TypeInt64), variadic(arg("f", model.TypeInt64))},
		model.Result{Type: model.TypeNone})
	files := mustPackage(t, limiter(s))
	for _, want := range []string{
		"func (s *Scripts) Merge(ctx context.Context, a, b string, ks []string, c string, d, e int64, f ...int64) error {",
		"func (p Pipeline) Merge(a, b string, ks []string, c string, d, e int64, f ...int64) runtime.Future[struct{}] {",
		"\tMerge(ctx context.Context, a, b string, ks []string, c string, d, e int64, f ...int64) error\n",
	} {
		if !bytes.Contains(files[0].Data, []byte(want)) && !bytes.Contains(files[1].Data, []byte(want)) {
			t.Errorf("missing %q", want)
		}
	}
}

func TestDocComments(t *testing.T) {
	s := takeTokens()
	s.Keys[0].Doc = "the token bucket hash"
	s.Args = append(s.Args, variadic(arg("tags", model.TypeString)))
	files := mustPackage(t, limiter(s))
	got := string(files[1].Data)
	for _, want := range []string{
		"// TakeTokens takes n tokens from a bucket; reports whether it was allowed and what is left.\n//\n// Keys:\n//   - bucket (KEYS[1]): the token bucket hash\n//   - log (KEYS[2])\n",
		"// Args: rate (ARGV[1]), capacity (ARGV[2]), now (ARGV[3], Unix milliseconds), tags (ARGV[4] onward, variadic).\nfunc (s *Scripts) TakeTokens(",
		"// TakeTokensResult is the reply of TakeTokens.\ntype TakeTokensResult struct",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	for in, want := range map[string]string{
		"Takes n tokens.":         "X takes n tokens.",
		"HTTP get":                "X HTTP get",
		"X does it":               "X does it",
		"sets the thing":          "X sets the thing",
		"A1 thing":                "X A1 thing",
		"  \n\nLeading blank\r\n": "X leading blank",
	} {
		if got := strings.Join(sentence("X", docLines(in)), "|"); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCompiles builds and vets the generated code of every shape against
// the runtime in this repository, and its go-redis form against the go-redis
// runtime once goredis/ is in the repository.
func TestCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	_, here, _, _ := runtime.Caller(0)
	repo := filepath.Join(filepath.Dir(here), "..", "..")
	pkgs := []*model.Package{allShapes(), limiter(takeTokens()), longNames()}
	dir := t.TempDir()
	writePackages(t, dir, pkgs)
	testmod.Write(t, dir, "example.com/emittest", repo)
	goBuild(t, dir)

	if !testmod.HasGoRedis(repo) {
		t.Log("not building the go-redis form: goredis/go.mod is absent, so the go-redis runtime module is not in this checkout yet")
		return
	}
	dir = t.TempDir()
	for i, pkg := range pkgs {
		pkgs[i] = goRedisOf(pkg)
	}
	writePackages(t, dir, pkgs)
	testmod.WriteGoRedis(t, dir, "example.com/emittest", repo)
	goBuild(t, dir)
}

// writePackages writes the generated files of pkgs under dir.
func writePackages(t *testing.T, dir string, pkgs []*model.Package) {
	t.Helper()
	for _, pkg := range pkgs {
		for _, f := range mustPackage(t, pkg) {
			p := filepath.Join(dir, pkg.Out, f.Name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// goBuild runs go build and go vet on the module in dir.
func goBuild(t *testing.T, dir string) {
	t.Helper()
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// FuzzUserText feeds arbitrary bytes to every place user text reaches the
// output: the source, the docs and the file name. Generation must not fail
// or panic, the output must parse and be gofmt-clean, and the source
// constant must hold the source exactly.
func FuzzUserText(f *testing.F) {
	f.Add("return 1\n", "Takes n tokens.", "the bucket", "take_tokens")
	f.Add("a`b\r\n\x00\xff", "*/ /* \x00\r\n\n  - list\n\tcode", "\u2028\uFEFF", "x")
	f.Add("", "", "", "a b")
	long := strings.Repeat("word ", 40)
	f.Add("return 1\n", long+"\n  - "+long+"\n\n\tcode "+long+"\n# Heading", long, "x")
	f.Fuzz(func(t *testing.T, src, doc, paramDoc, base string) {
		s := takeTokens()
		s.Source, s.Doc = src, doc
		s.Keys[0].Doc, s.Result.Doc, s.Result.Fields[0].Doc = paramDoc, doc, paramDoc
		s.File = "scripts/" + base + ".lua"
		files, err := Package(limiter(s), "example.com/x")
		if err != nil {
			if strings.Contains(err.Error(), "rename the script file") {
				return // a base name the Go tool would skip or constrain
			}
			t.Fatal(err)
		}
		for _, file := range files {
			if formatted, err := format.Source(file.Data); err != nil || !bytes.Equal(formatted, file.Data) {
				t.Fatalf("%s: not gofmt-clean (%v):\n%s", file.Name, err, file.Data)
			}
		}
		scriptFile := files[0]
		if scriptFile.Name == SharedFile {
			scriptFile = files[1]
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), "x.go", scriptFile.Data, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		ast.Inspect(parsed, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok && vs.Names[0].Name == "TakeTokensSource" {
				got, _ := evalString(t, vs.Values[0])
				if got != src {
					t.Fatalf("source %q round-trips to %q", src, got)
				}
				found = true
			}
			return true
		})
		if !found {
			t.Fatal("no source constant")
		}
	})
}

func TestGroupImports(t *testing.T) {
	for in, want := range map[string]string{
		"package p\n\nimport (\n\"context\"\n\"github.com/x/y\"\nz \"time\"\n)\n\nvar _ = 1\n": "package p\n\nimport (\n\"context\"\nz \"time\"\n\n\"github.com/x/y\"\n)\n\nvar _ = 1\n",
		"package p\n\nimport (\n\"context\"\n\"time\"\n)\n":                                    "package p\n\nimport (\n\"context\"\n\"time\"\n)\n",
		"package p\n\nimport \"github.com/x/y\"\n":                                             "package p\n\nimport \"github.com/x/y\"\n",
		"// import (\npackage p\n":                                                             "// import (\npackage p\n",
	} {
		if got := string(groupImports([]byte(in))); got != want {
			t.Errorf("groupImports(%q) = %q, want %q", in, got, want)
		}
	}
}

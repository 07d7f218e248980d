package runtime_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestUserAPI keeps package runtime to what application code uses: what
// only generated code calls belongs in runtime/luagenimpl, so that go doc
// shows users their API and nothing else. Adding a name here is a decision
// about the user API.
func TestUserAPI(t *testing.T) {
	want := []string{
		"ArgumentError", "ArgumentError.Error", "ArgumentError.Unwrap",
		"Batch", "Batch.Do", "Batch.Exec", "Batch.KeepOrder", "Batch.Len",
		"BatchError", "BatchError.Error", "BatchError.Unwrap",
		"BatchInfo",
		"CallInfo",
		"CrossSlotError", "CrossSlotError.Error",
		"ErrExecuted", "ErrNotExecuted",
		"Future", "Future.Err", "Future.Get",
		"Hooks",
		"Library", "Library.Name", "Library.Source", "Library.Version", "LibraryVersion",
		"New", "Option",
		"Outcome", "Outcome.String", "OutcomeErrorReply", "OutcomeOK", "OutcomeTransport",
		"PrefixError", "PrefixError.Error",
		"ReplyError", "ReplyError.Error", "ReplyError.Unwrap",
		"Runner", "Runner.Client", "Runner.Load", "Runner.NewBatch", "Runner.Sync", "Runner.Versions",
		"Script", "Script.File", "Script.Library", "Script.Name", "Script.SHA1",
		"ScriptError", "ScriptError.Error", "ScriptError.IsPermission", "ScriptError.Unwrap",
		"WithHooks", "WithSlotCheck",
	}
	got := exportedAPI(t, ".", "../internal/rt")
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("package runtime exports\n  %v\nwant\n  %v\n(what only generated code needs goes in runtime/luagenimpl)", got, want)
	}
}

// exportedAPI lists the exported names of the package in dir, methods as
// Type.Method, counting for an alias of a type of the package in shared
// (type X = rt.Y) the exported methods of that type.
func exportedAPI(t *testing.T, dir, shared string) []string {
	t.Helper()
	names, aliases := declared(t, dir)
	shNames, _ := declared(t, shared)
	for alias, target := range aliases {
		for _, n := range shNames {
			if typ, method, ok := strings.Cut(n, "."); ok && typ == target {
				names = append(names, alias+"."+method)
			}
		}
	}
	return names
}

// declared lists a package's exported top-level names (methods as
// Type.Method) and its aliases of another package's types.
func declared(t *testing.T, dir string) (names []string, aliases map[string]string) {
	t.Helper()
	aliases = make(map[string]string)
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				name := d.Name.Name
				if d.Recv != nil {
					typ := d.Recv.List[0].Type
					if s, ok := typ.(*ast.StarExpr); ok {
						typ = s.X
					}
					if g, ok := typ.(*ast.IndexExpr); ok {
						typ = g.X
					}
					name = typ.(*ast.Ident).Name + "." + name
				}
				names = append(names, name)
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if !s.Name.IsExported() {
							continue
						}
						names = append(names, s.Name.Name)
						if sel, ok := s.Type.(*ast.SelectorExpr); ok && s.Assign.IsValid() {
							aliases[s.Name.Name] = sel.Sel.Name
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								names = append(names, n.Name)
							}
						}
					}
				}
			}
		}
	}
	return names, aliases
}

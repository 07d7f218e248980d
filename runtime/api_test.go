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
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
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
				got = append(got, name)
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							got = append(got, s.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								got = append(got, n.Name)
							}
						}
					}
				}
			}
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("package runtime exports\n  %v\nwant\n  %v\n(what only generated code needs goes in runtime/luagenimpl)", got, want)
	}
}

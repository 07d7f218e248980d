// Package apitest lists a package's exported API from its source, for the
// tests that pin what each backend's packages export.
package apitest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
)

// Exported lists the exported names of the package in dir, methods as
// Type.Method, sorted, counting for an alias of a type of the package in
// shared (type X = rt.Y) the exported methods of that type.
func Exported(dir, shared string) ([]string, error) {
	names, aliases, err := declared(dir)
	if err != nil {
		return nil, err
	}
	shNames, _, err := declared(shared)
	if err != nil {
		return nil, err
	}
	for alias, target := range aliases {
		for _, n := range shNames {
			if typ, method, ok := strings.Cut(n, "."); ok && typ == target {
				names = append(names, alias+"."+method)
			}
		}
	}
	slices.Sort(names)
	return names, nil
}

// declared lists a package's exported top-level names (methods as
// Type.Method) and its aliases of another package's types.
func declared(dir string) (names []string, aliases map[string]string, err error) {
	aliases = make(map[string]string)
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, nil, err
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, nil, err
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
	return names, aliases, nil
}

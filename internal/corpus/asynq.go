package corpus

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Asynq fetches github.com/hibiken/asynq at AsynqVersion through the Go
// module proxy into dir/asynq/gomodcache, extracts the Lua scripts of its
// internal/rdb package, writes each to dir/asynq/scripts/NAME.lua and
// returns them in source order (rdb/inspect.go before rdb/rdb.go).
//
// A script is a string literal passed to redis.NewScript, or a string
// constant or variable whose value reads like Lua (redis.call, KEYS[ or
// ARGV[); its name is the Go identifier in snake case. The literal's bytes
// are the file's bytes, so Redis's line numbers match the file (asynq's
// raw strings start with a newline: line 1 is empty).
func Asynq(ctx context.Context, dir string) ([]Script, error) {
	root, err := fetchAsynq(ctx, filepath.Join(dir, "asynq"))
	if err != nil {
		return nil, err
	}
	scripts, err := extractGoScripts(root, "internal/rdb")
	if err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "asynq", "scripts")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	seen := map[string]string{}
	for i := range scripts {
		s := &scripts[i]
		if other, dup := seen[s.Name]; dup {
			return nil, fmt.Errorf("corpus: asynq identifiers %s and %s both map to %s.lua", other, s.GoIdent, s.Name)
		}
		seen[s.Name] = s.GoIdent
		s.Path = filepath.Join(out, s.Name+".lua")
		if err := os.WriteFile(s.Path, []byte(s.Source), 0o644); err != nil {
			return nil, err
		}
	}
	return scripts, nil
}

// fetchAsynq downloads the module and returns the folder it was extracted
// to. The module cache lives under dir and is written with -modcacherw, so
// the caller can delete dir with os.RemoveAll.
func fetchAsynq(ctx context.Context, dir string) (string, error) {
	what := AsynqModule + "@" + AsynqVersion + " from the Go module proxy"
	work := filepath.Join(dir, "fetch")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return "", err
	}
	// A module of its own, so a go.mod or go.work around dir plays no part.
	if err := os.WriteFile(filepath.Join(work, "go.mod"), []byte("module corpusfetch\n\ngo 1.21\n"), 0o644); err != nil {
		return "", err
	}
	env := []string{
		"GOMODCACHE=" + filepath.Join(dir, "gomodcache"),
		"GOFLAGS=-mod=mod -modcacherw",
		"GOWORK=off",
		"GO111MODULE=on",
		"GOTOOLCHAIN=local",
	}
	stdout, err := run(ctx, what, work, env, "go", "mod", "download", "-json", AsynqModule+"@"+AsynqVersion)
	var info struct {
		Dir   string
		Error string
	}
	// -json reports a module's error on stdout, not stderr.
	jerr := json.Unmarshal(stdout, &info)
	if err != nil {
		if fe, ok := err.(*FetchError); ok && info.Error != "" {
			fe.Stderr = strings.TrimSpace(info.Error + "\n" + fe.Stderr)
		}
		return "", err
	}
	if jerr != nil {
		return "", fmt.Errorf("corpus: go mod download -json: %v", jerr)
	}
	if info.Error != "" || info.Dir == "" {
		return "", &FetchError{What: what, Cmd: "go mod download -json", Err: fmt.Errorf("no module folder: %s", info.Error)}
	}
	return info.Dir, nil
}

// luaLike tells a Lua script from other string constants.
var luaLike = regexp.MustCompile(`redis\.p?call\s*\(|\bKEYS\[|\bARGV\[`)

// extractGoScripts parses the non-test Go files of root/pkg and returns
// the Lua scripts in them, without Path.
func extractGoScripts(root, pkg string) ([]Script, error) {
	files, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(pkg), "*.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	fset := token.NewFileSet()
	var scripts []Script
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("corpus: %v", err)
		}
		rel := pkg + "/" + filepath.Base(path)
		found := goScripts(f)
		for _, g := range found {
			scripts = append(scripts, Script{
				Library: LibAsynq,
				Name:    snake(g.ident),
				Source:  g.src,
				GoIdent: g.ident,
				GoFile:  rel,
				GoLine:  fset.Position(g.pos).Line,
				GoDoc:   g.doc,
			})
		}
	}
	if len(scripts) == 0 {
		return nil, fmt.Errorf("corpus: no Lua scripts in %s of %s@%s", pkg, AsynqModule, AsynqVersion)
	}
	return scripts, nil
}

type goScript struct {
	ident, src, doc string
	pos             token.Pos
}

// goScripts finds the scripts of one file: package-level and local
// var/const specs and assignments whose value is redis.NewScript(lit),
// redis.NewScript(constName) or a Lua-looking string constant. A script
// reached both ways (a constant passed to NewScript) is reported once,
// under the constant's name.
func goScripts(f *ast.File) []goScript {
	consts := map[string]bool{} // string identifiers already taken as scripts
	var out []goScript
	add := func(ident string, e ast.Expr, doc *ast.CommentGroup) {
		if ident == "" || ident == "_" {
			return
		}
		if call, ok := e.(*ast.CallExpr); ok && isNewScript(call) && len(call.Args) == 1 {
			if id, ok := call.Args[0].(*ast.Ident); ok && consts[id.Name] {
				return
			}
			if src, pos, ok := stringValue(call.Args[0]); ok {
				out = append(out, goScript{ident, src, docText(doc), pos})
			}
			return
		}
		if src, pos, ok := stringValue(e); ok && luaLike.MatchString(src) {
			consts[ident] = true
			out = append(out, goScript{ident, src, docText(doc), pos})
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GenDecl:
			for _, spec := range n.Specs {
				vs, ok := spec.(*ast.ValueSpec)
				if !ok {
					continue
				}
				doc := vs.Doc
				if doc == nil && len(n.Specs) == 1 {
					doc = n.Doc
				}
				for i, v := range vs.Values {
					if i < len(vs.Names) {
						add(vs.Names[i].Name, v, doc)
					}
				}
			}
			return false
		case *ast.AssignStmt:
			for i, v := range n.Rhs {
				if i < len(n.Lhs) {
					if id, ok := n.Lhs[i].(*ast.Ident); ok {
						add(id.Name, v, nil)
					}
				}
			}
		}
		return true
	})
	return out
}

func isNewScript(call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "NewScript"
}

// stringValue folds a string literal or a + of string literals.
func stringValue(e ast.Expr) (string, token.Pos, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", 0, false
		}
		s, err := strconv.Unquote(e.Value)
		return s, e.Pos(), err == nil
	case *ast.ParenExpr:
		return stringValue(e.X)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", 0, false
		}
		l, pos, ok := stringValue(e.X)
		if !ok {
			return "", 0, false
		}
		r, _, ok := stringValue(e.Y)
		return l + r, pos, ok
	}
	return "", 0, false
}

func docText(g *ast.CommentGroup) string {
	if g == nil {
		return ""
	}
	return g.Text()
}

// snake turns a Go identifier into snake case: enqueueCmd → enqueue_cmd,
// listZSetEntriesCmd → list_zset_entries_cmd, HTTPCmd → http_cmd.
func snake(ident string) string {
	r := []rune(ident)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) {
			prevLower := i > 0 && (unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1]))
			// An upper case letter starts a word after a lower case one,
			// or ends an acronym when a lower case letter follows; a
			// single upper case letter (the S of ZSet) joins its acronym.
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			prevUpper := i > 0 && unicode.IsUpper(r[i-1])
			if prevLower || (prevUpper && nextLower && i >= 2 && unicode.IsUpper(r[i-2])) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(c))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

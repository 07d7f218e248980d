package generator

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/luagen/luagen/generator/check"
	"github.com/luagen/luagen/generator/config"
	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/library"
	"github.com/luagen/luagen/generator/luasrc"
	"github.com/luagen/luagen/generator/model"
	"github.com/luagen/luagen/generator/parse"
	"github.com/luagen/luagen/generator/vet"
)

// Load reads the config at configPath and every script it names, runs
// every check, and returns the checked project with all findings, sorted,
// each with the severity luagen.yaml's checks: gives its check (findings
// of checks set to off are left out).
// Script paths, in the model and in findings, are relative to the config's
// folder; findings about the config itself use configPath as given. The
// project is nil only when the config cannot be read at all; otherwise it
// is returned even with errors, partly filled, and callers must check the
// findings. A project without errors is ready for Generate. A finding
// inside a file that several scripts include is reported once.
func Load(configPath string) (*model.Project, diag.List) {
	cfg, diags := config.Load(configPath)
	if cfg == nil {
		return nil, diags
	}
	root, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, append(diags, diag.Errorf(configPath, 0, 0, diag.ConfigFile, "cannot resolve the config folder: %v", err))
	}
	proj := &model.Project{ConfigPath: configPath, Root: root, ModuleRoot: cfg.ModuleRoot}
	for _, p := range cfg.Packages {
		pkg := &model.Package{Name: p.Name, Scripts: p.Scripts, Out: p.Out, EmitInterface: p.EmitInterface, Library: p.Library, Client: p.Client}
		scripts, d := loadScripts(cfg.Dir, p.Files)
		pkg.Files = scripts
		d = append(d, check.Package(pkg.Files)...)
		diags = append(diags, p.Checks.Apply(d)...) // the severities luagen.yaml sets
		proj.Packages = append(proj.Packages, pkg)
	}
	diags = append(diags, library.CheckNames(configPath, proj.Packages)...)
	diags.Sort()
	return proj, diags.Dedup()
}

// loadScripts reads and checks files (slash-separated, relative to dir),
// on every core: scripts are independent until check.Package, and each
// result lands in its own slot, so the outcome does not depend on
// scheduling. Scripts that cannot be read are left out, and so are files
// without a luagen header that another script includes: they are only
// includes.
func loadScripts(dir string, files []string) ([]*model.Script, diag.List) {
	scripts := make([]*model.Script, len(files))
	found := make([]diag.List, len(files))
	headerless := make([]bool, len(files))
	read := func(name string) ([]byte, error) {
		return os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for i := range next {
				src, err := read(files[i])
				if err != nil {
					found[i] = diag.List{diag.Errorf(files[i], 0, 0, diag.ScriptFile, "cannot read script: %v", err)}
					continue
				}
				scripts[i], found[i] = loadScript(files[i], src, read)
				headerless[i] = scripts[i].HeaderLine == 0 && !parse.HasHeader(src)
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	included := map[string]bool{}
	for _, s := range scripts {
		if s != nil {
			for _, inc := range s.Includes {
				included[inc] = true
			}
		}
	}
	for i, f := range files {
		if headerless[i] && included[f] {
			scripts[i], found[i] = nil, nil
		}
	}
	return slices.DeleteFunc(scripts, func(s *model.Script) bool { return s == nil }), slices.Concat(found...)
}

// LoadScript runs every stage up to the model on one script, whose display
// path is file and whose bytes are src: the files it includes are
// inserted (their paths are relative to the working directory, like
// file), the source is prepared once, then the header is read (parse),
// its names and the Lua body are checked (check), the body is vetted
// (vet), and luagen:ignore comments are applied. Findings are sorted.
func LoadScript(file string, src []byte) (*model.Script, diag.List) {
	return loadScript(file, src, func(name string) ([]byte, error) { return os.ReadFile(filepath.FromSlash(name)) })
}

// loadScript is LoadScript with read reading the files src includes.
func loadScript(file string, src []byte, read func(string) ([]byte, error)) (*model.Script, diag.List) {
	flat, m, includes := luasrc.Flatten(file, src, read)
	f := luasrc.PrepareFlat(file, flat, m)
	sc, header := parse.Script(f)
	if m != nil {
		for _, inc := range m.Files[1:] {
			sc.Includes = append(sc.Includes, inc.Name)
		}
		for _, s := range m.Spans {
			sc.Lines = append(sc.Lines, model.Span{Line: s.Line, File: m.Files[s.File].Name, From: s.From})
		}
	}
	header = append(header, includes...)
	header = append(header, check.Names(sc)...)
	body := check.Body(sc, f)
	complete := !header.HasErrors()
	if complete {
		body = append(body, vet.Script(sc, f)...)
	} else {
		// With a broken header the declared keys and args are unknown,
		// and with an include missing its functions are, so only findings
		// about the Lua itself are worth reporting (vet's all depend on
		// the header and on the whole script).
		body = slices.DeleteFunc(body, func(d diag.Diagnostic) bool {
			return d.Check != diag.LuaSyntax && d.Check != diag.Goto
		})
	}
	// A syntax error stops the body checks: a luagen:ignore that silences
	// nothing then means nothing.
	complete = complete && !slices.ContainsFunc(body, func(d diag.Diagnostic) bool { return d.Check == diag.LuaSyntax })
	return sc, vet.Suppress(f, append(header, body...), complete)
}

package generator

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/luagen/luagen/generator/check"
	"github.com/luagen/luagen/generator/config"
	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/model"
	"github.com/luagen/luagen/generator/parse"
	"github.com/luagen/luagen/generator/vet"
)

// Load reads the config at configPath and every script it names, and
// returns the checked project with all findings, sorted. Script paths, in
// the model and in findings, are relative to the config's folder; findings
// about the config itself use configPath as given. The project is nil only
// when the config cannot be read at all; otherwise it is returned even with
// errors, partly filled, and callers must check the findings.
func Load(configPath string) (*model.Project, diag.List) {
	cfg, diags := config.Load(configPath)
	if cfg == nil {
		return nil, diags
	}
	root, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, append(diags, diag.Errorf(configPath, 0, 0, "cannot resolve the config folder: %v", err))
	}
	proj := &model.Project{ConfigPath: configPath, Root: root, ModuleRoot: cfg.ModuleRoot}
	for _, p := range cfg.Packages {
		pkg := &model.Package{Name: p.Name, Scripts: p.Scripts, Out: p.Out, EmitInterface: p.EmitInterface}
		for _, file := range p.Files {
			sc, d := loadScript(cfg.Dir, file)
			diags = append(diags, d...)
			if sc != nil {
				pkg.Files = append(pkg.Files, sc)
			}
		}
		diags = append(diags, checkScriptNames(pkg.Files)...)
		proj.Packages = append(proj.Packages, pkg)
	}
	diags.Sort()
	return proj, diags
}

// loadScript reads, parses and checks one script; file is slash-separated
// and relative to dir.
func loadScript(dir, file string) (*model.Script, diag.List) {
	src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(file)))
	if err != nil {
		return nil, diag.List{diag.Errorf(file, 0, 0, "cannot read script: %v", err)}
	}
	sc, diags := parse.Script(file, src)
	body := check.Body(sc, src)
	if diags.HasErrors() {
		// With a broken header the declared keys and args are unknown, so
		// only findings about the Lua itself are worth reporting (vet's
		// all depend on the header).
		body = slices.DeleteFunc(body, func(d diag.Diagnostic) bool {
			return d.Check != check.Syntax && d.Check != check.Goto
		})
	} else {
		body = append(body, vet.Script(sc, src)...)
	}
	return sc, vet.Suppress(file, src, append(diags, body...))
}

// checkScriptNames reports scripts of one package whose Go names clash:
// with each other, with the names generated for another script
// (X, XResult, XSource, XSHA1), with the package-level names or with the
// methods of the generated types.
func checkScriptNames(scripts []*model.Script) diag.List {
	var diags diag.List
	report := func(s *model.Script, format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		diags = append(diags, diag.Errorf(s.File, s.NamePos.Line, s.NamePos.Col, "%s; set a different name: in the header", msg))
	}
	for _, s := range scripts {
		if s.GoName == "" {
			continue // its name was already reported
		}
		clash := slices.IndexFunc(s.GeneratedNames(), func(g string) bool { return slices.Contains(model.PackageNames, g) })
		switch {
		case clash >= 0:
			report(s, "script name %s makes the Go name %s, which every generated package declares", s.GoName, s.GeneratedNames()[clash])
		case slices.Contains(model.MethodNames, s.GoName):
			report(s, "script name %s is also the name of a method every generated package declares (%s)", s.GoName, strings.Join(model.MethodNames, ", "))
		}
		for _, t := range scripts {
			if t == s || t.GoName == "" {
				continue
			}
			if s.GoName == t.GoName {
				report(s, "script name %s is also used by %s", s.GoName, t.File)
				continue
			}
			for _, g := range t.GeneratedNames()[1:] {
				if slices.Contains(s.GeneratedNames(), g) {
					report(s, "script name %s makes the Go name %s, which is also generated for %s", s.GoName, g, t.File)
				}
			}
		}
	}
	return diags
}

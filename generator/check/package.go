package check

import (
	"go/build"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/model"
)

// Package checks what the scripts of one package generate together: the
// Go names each script declares (X, XResult, XSource, XSHA1, and X as a
// method) must not clash with each other's or with what every generated
// package declares, and each generated file must be a file of its own that
// the Go tool builds everywhere. A clash is an error, never a silent
// rename, since renaming would change the API behind the user's back.
// Scripts whose name was already reported (GoName "") are left out of
// the name checks.
func Package(scripts []*model.Script) diag.List {
	var diags diag.List
	report := func(s *model.Script, format string, args ...any) {
		diags = append(diags, diag.Errorf(s.File, s.NamePos.Line, s.NamePos.Col, diag.ScriptName, format+"; set a different name: in the header", args...))
	}
	byGoName := map[string][]*model.Script{}
	byOtherName := map[string][]*model.Script{} // XResult, XSource, XSHA1
	for _, s := range scripts {
		if s.GoName == "" {
			continue
		}
		byGoName[s.GoName] = append(byGoName[s.GoName], s)
		for _, g := range s.GeneratedNames()[1:] {
			byOtherName[g] = append(byOtherName[g], s)
		}
	}
	for _, s := range scripts {
		if s.GoName == "" {
			continue
		}
		names := s.GeneratedNames()
		switch clash := slices.IndexFunc(names, func(g string) bool { return slices.Contains(model.PackageNames, g) }); {
		case clash >= 0:
			report(s, "script name %s makes the Go name %s, which every generated package declares", s.GoName, names[clash])
		case slices.Contains(model.MethodNames, s.GoName):
			report(s, "script name %s is also the name of a method every generated package declares (%s)", s.GoName, strings.Join(model.MethodNames, ", "))
		}
		for _, t := range byGoName[s.GoName] {
			if t != s {
				report(s, "script name %s is also used by %s", s.GoName, t.File)
			}
		}
		for _, g := range names {
			for _, t := range byOtherName[g] {
				if t != s && t.GoName != s.GoName {
					report(s, "script name %s makes the Go name %s, which is also generated for %s", s.GoName, g, t.File)
				}
			}
		}
	}
	return append(diags, fileNames(scripts)...)
}

// fileNames reports generated files that clash (two scripts of one name in
// different folders), and names that make the Go tool skip the file or
// build it on one platform only.
func fileNames(scripts []*model.Script) diag.List {
	var diags diag.List
	first := map[string]string{}
	for _, s := range scripts {
		name := s.GoFile()
		if prev, ok := first[name]; ok {
			diags = append(diags, diag.Errorf(s.File, 0, 0, diag.GeneratedFile, "the generated file %s clashes with the one generated for %s; rename the script file", name, prev))
			continue
		}
		first[name] = s.File
		if ok, err := anyPlatform().MatchFile(".", name); err != nil || !ok {
			diags = append(diags, diag.Errorf(s.File, 0, 0, diag.GeneratedFile, "the Go tool would skip or restrict the generated file %s to one platform (leading _ or ., or a _GOOS/_GOARCH suffix); rename the script file", name))
		}
	}
	return diags
}

// anyPlatform is a go/build context for a platform no file suffix names,
// so that MatchFile refuses exactly the names the Go tool skips or builds
// for one platform only ("cleanup_windows.luagen.go"): asking go/build
// itself keeps the list of GOOS and GOARCH values current.
var anyPlatform = sync.OnceValue(func() *build.Context {
	ctxt := build.Default
	ctxt.GOOS, ctxt.GOARCH = "luagenos", "luagenarch"
	ctxt.BuildTags, ctxt.ToolTags, ctxt.ReleaseTags = nil, nil, nil
	ctxt.OpenFile = func(string) (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader("package p\n")), nil
	}
	return &ctxt
})

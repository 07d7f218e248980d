package main

import (
	"fmt"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/luagen/luagen/generator"
	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/model"
)

// load reads and checks the config and its scripts, printing every
// finding to stderr. ok is false when an error stops the command.
func (c *cli) load() (proj *model.Project, diags diag.List, ok bool) {
	proj, diags = generator.Load(c.config)
	c.rebase(proj, diags)
	diags.Sort()
	for _, d := range diags {
		fmt.Fprintln(c.stderr, d.String())
	}
	return proj, diags, proj != nil && !diags.HasErrors()
}

// rebase makes script paths in findings, which are relative to the config's
// folder, relative to the working directory, so that they can be opened
// from where luagen runs (-f elsewhere/luagen.yaml).
func (c *cli) rebase(proj *model.Project, diags diag.List) {
	if proj == nil {
		return
	}
	for i := range diags {
		if diags[i].File != c.config && !filepath.IsAbs(diags[i].File) {
			diags[i].File = generator.DisplayPath(proj, diags[i].File)
		}
		if via := diags[i].Via; len(via) > 0 {
			diags[i].Via = make([]diag.Site, len(via))
			for j, s := range via {
				if !filepath.IsAbs(s.File) {
					s.File = generator.DisplayPath(proj, s.File)
				}
				diags[i].Via[j] = s
			}
		}
	}
}

// generateFiles loads and generates in memory; on failure it has printed
// why and returns false.
func (c *cli) generateFiles() (*model.Project, []generator.File, bool) {
	proj, _, ok := c.load()
	if !ok {
		return nil, nil, false
	}
	files, err := generator.Generate(proj)
	if err != nil {
		fmt.Fprintln(c.stderr, err)
		return nil, nil, false
	}
	return proj, files, true
}

func (c *cli) generate() int {
	start := time.Now()
	proj, files, ok := c.generateFiles()
	if !ok {
		return exitUsage
	}
	sum, err := generator.Write(proj, files, generator.WriteOptions{})
	if err != nil {
		fmt.Fprintln(c.stderr, err)
		return exitUsage
	}
	if c.verbose {
		for _, p := range sum.Written {
			fmt.Fprintf(c.stdout, "wrote %s\n", generator.DisplayPath(proj, p))
		}
		for _, p := range sum.Removed {
			fmt.Fprintf(c.stdout, "removed %s\n", generator.DisplayPath(proj, p))
		}
	}
	scripts := 0
	for _, pkg := range proj.Packages {
		scripts += len(pkg.Files)
	}
	line := fmt.Sprintf("luagen: %s, %s written, %d unchanged", plural(scripts, "script"), plural(len(sum.Written), "file"), len(sum.Unchanged))
	if n := len(sum.Removed); n > 0 {
		line += fmt.Sprintf(", %d removed", n)
	}
	fmt.Fprintf(c.stdout, "%s (%dms)\n", line, time.Since(start).Milliseconds())
	return exitOK
}

func (c *cli) check() int {
	proj, files, ok := c.generateFiles()
	if !ok {
		return exitUsage
	}
	stale, err := generator.Check(proj, files)
	if err != nil {
		fmt.Fprintln(c.stderr, err)
		return exitUsage
	}
	for _, s := range stale {
		fmt.Fprint(c.stdout, s.Diff)
	}
	if len(stale) > 0 {
		for _, s := range stale {
			fmt.Fprintf(c.stderr, "%s: %s\n", generator.DisplayPath(proj, s.Path), s.Kind)
		}
		fmt.Fprintf(c.stderr, "luagen: %s out of date; run \"luagen generate\"\n", plural(len(stale), "generated file"))
		return exitFindings
	}
	return exitOK
}

// vet prints every finding, as generate and check do, on stderr, or as a
// JSON array on stdout with -json. It runs every check Load runs and
// renders nothing. It exits 1 on errors, or on more warnings than
// -max-warnings when that is 0 or more (ESLint's convention); warnings
// alone exit 0 by default.
func (c *cli) vet() int {
	proj, diags := generator.Load(c.config)
	c.rebase(proj, diags)
	diags.Sort()
	if proj == nil {
		for _, d := range diags {
			fmt.Fprintln(c.stderr, d.String())
		}
		return exitUsage // the config itself could not be read
	}
	if c.json {
		c.stdout.Write(diags.JSON())
	} else {
		for _, d := range diags {
			fmt.Fprintln(c.stderr, d.String())
		}
	}
	warnings := diags.Count(diag.Warning)
	switch {
	case diags.HasErrors():
		return exitFindings
	case c.maxWarnings >= 0 && warnings > c.maxWarnings:
		fmt.Fprintf(c.stderr, "luagen: %s, more than -max-warnings %d\n", plural(warnings, "warning"), c.maxWarnings)
		return exitFindings
	}
	return exitOK
}

func (c *cli) version() int {
	v := "(devel)"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		v = info.Main.Version
	}
	fmt.Fprintf(c.stdout, "luagen %s\n", v)
	return exitOK
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

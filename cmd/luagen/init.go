package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/luagen/luagen/templates"
)

// initScaffold writes the scaffold next to the config path. It checks every target
// first so it either writes all files or none.
func (c *cli) initScaffold() int {
	dir := filepath.Dir(c.config)
	type target struct{ src, dst string }
	var targets []target
	err := fs.WalkDir(templates.Init, templates.InitRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, templates.InitRoot+"/")
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if rel == "luagen.yaml" {
			dst = c.config
		}
		targets = append(targets, target{p, dst})
		return nil
	})
	if err != nil {
		fmt.Fprintf(c.stderr, "luagen init: %v\n", err)
		return exitUsage
	}
	var exists []string
	for _, t := range targets {
		if _, err := os.Lstat(t.dst); !errors.Is(err, fs.ErrNotExist) {
			exists = append(exists, filepath.ToSlash(t.dst))
		}
	}
	if len(exists) > 0 {
		for _, e := range exists {
			fmt.Fprintf(c.stderr, "%s: already exists; luagen init does not overwrite files\n", e)
		}
		return exitUsage
	}
	for _, t := range targets {
		data, err := templates.Init.ReadFile(t.src)
		if err == nil {
			err = os.MkdirAll(filepath.Dir(t.dst), 0o755)
		}
		if err == nil {
			err = os.WriteFile(t.dst, data, 0o644)
		}
		if err != nil {
			fmt.Fprintf(c.stderr, "luagen init: %v\n", err)
			return exitUsage
		}
		if c.verbose {
			fmt.Fprintf(c.stdout, "wrote %s\n", filepath.ToSlash(t.dst))
		}
	}
	next := "luagen generate"
	if c.config != "luagen.yaml" {
		next += " -f " + c.config
	}
	fmt.Fprintf(c.stdout, "luagen: wrote %s, a sample script and its generated Go; edit the script, then run %q\n", filepath.ToSlash(c.config), next)
	return exitOK
}

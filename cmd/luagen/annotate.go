package main

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/luagen/luagen/generator/annotate"
	"github.com/luagen/luagen/generator/luasrc"
)

// annotate writes a luagen header into each .lua file named (or in a
// folder named, not recursively) that has none and that no other of them
// includes. With -n it prints the headers instead.
func (c *cli) annotate() int {
	if len(c.args) == 0 {
		fmt.Fprintln(c.stderr, "luagen annotate: name the .lua files or folders to annotate, e.g. luagen annotate scripts/")
		return exitUsage
	}
	files, ok := c.luaFiles()
	if !ok {
		return exitUsage
	}
	read := func(name string) ([]byte, error) { return os.ReadFile(filepath.FromSlash(name)) }
	srcs := make(map[string][]byte, len(files))
	included := map[string]string{} // an included file → a file including it
	for _, f := range files {
		src, err := read(f)
		if err != nil {
			fmt.Fprintf(c.stderr, "%s: %v\n", f, err)
			return exitUsage
		}
		srcs[f] = src
		if _, m, _ := luasrc.Flatten(f, src, read); m != nil {
			for _, inc := range m.Files[1:] {
				if _, ok := included[inc.Name]; !ok {
					included[inc.Name] = f
				}
			}
		}
	}
	// Dropping a key count from names (addJob-3.lua → addJob) must not give
	// two scripts of one folder one name.
	stripped := map[string]int{}
	for _, f := range files {
		stripped[nameKey(f)]++
	}
	var annotated, had, onlyIncluded int
	failed := false
	for _, f := range files {
		src := srcs[f]
		if annotate.HasHeader(src) {
			had++
			continue
		}
		if by, ok := included[f]; ok {
			onlyIncluded++
			if c.dryRun {
				fmt.Fprintf(c.stdout, "%s: no header: only an include (%s includes it)\n", f, by)
			}
			continue
		}
		keep := stripped[nameKey(f)] > 1
		r, diags := annotate.Script(f, src, annotate.Options{Read: read, KeepName: keep})
		for _, d := range diags {
			fmt.Fprintln(c.stderr, d.String())
		}
		if r == nil {
			fmt.Fprintf(c.stderr, "%s: not annotated: fix the errors above, or write its header by hand\n", f)
			failed = true
			continue
		}
		annotated++
		what := fmt.Sprintf("%s, %s", plural(len(r.Keys), "key"), plural(len(r.Args), "arg"))
		if r.ReadOnly {
			what += ", read-only"
		}
		if n := len(r.Includes); n > 0 {
			what += ", " + plural(n, "include")
		}
		if c.dryRun {
			fmt.Fprintf(c.stdout, "%s: would write (%s):\n%s", f, what, r.Header)
			continue
		}
		if err := writeKeepingMode(f, r.Out); err != nil {
			fmt.Fprintf(c.stderr, "%s: %v\n", f, err)
			failed = true
			continue
		}
		fmt.Fprintf(c.stdout, "%s: wrote a header (%s)\n", f, what)
	}
	verb := "annotated"
	if c.dryRun {
		verb = "to annotate"
	}
	fmt.Fprintf(c.stdout, "luagen: %s %s, %d already had a header, %d only included\n", plural(annotated, "script"), verb, had, onlyIncluded)
	if failed {
		return exitUsage
	}
	return exitOK
}

// nameKey is what two scripts of one folder must not share once their
// key counts are dropped from their names: near enough their Go names.
func nameKey(f string) string {
	return path.Dir(f) + "/" + strings.ToLower(strings.NewReplacer("_", "", "-", "", ".", "", " ", "").Replace(baseName(f)))
}

// baseName is a file's name without .lua and a trailing key count.
func baseName(f string) string {
	b := strings.TrimSuffix(path.Base(f), ".lua")
	if i := strings.LastIndexByte(b, '-'); i > 0 && strings.Trim(b[i+1:], "0123456789") == "" && i+1 < len(b) {
		return b[:i]
	}
	return b
}

// luaFiles lists the files c.args name: .lua files in folders (not
// recursive), files as given; slash-separated, sorted, each once.
func (c *cli) luaFiles() ([]string, bool) {
	var out []string
	for _, a := range c.args {
		fi, err := os.Stat(a)
		if err != nil {
			fmt.Fprintf(c.stderr, "luagen annotate: %v\n", err)
			return nil, false
		}
		if !fi.IsDir() {
			out = append(out, filepath.ToSlash(filepath.Clean(a)))
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			fmt.Fprintf(c.stderr, "luagen annotate: %v\n", err)
			return nil, false
		}
		n := len(out)
		for _, e := range entries {
			if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".lua") {
				out = append(out, filepath.ToSlash(filepath.Join(a, e.Name())))
			}
		}
		if len(out) == n {
			fmt.Fprintf(c.stderr, "luagen annotate: %s has no .lua files (folders are not searched recursively)\n", filepath.ToSlash(a))
			return nil, false
		}
	}
	slices.Sort(out)
	return slices.Compact(out), true
}

// writeKeepingMode replaces the file at p with data through a temporary
// file in its folder, keeping p's permissions.
func writeKeepingMode(p string, data []byte) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".luagen-*.tmp")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), fi.Mode().Perm())); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

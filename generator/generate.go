// Package generator is luagen's pipeline from luagen.yaml to Go files:
// Load reads and checks the config and its scripts into a model.Project,
// Generate renders the Go files in memory (package emit), and Write puts
// them into the out folders, or Check compares them with what is there.
//
// Data moves one way through the packages. config reads luagen.yaml;
// then, for each script, luasrc inserts the files it includes (--- @include,
// with a map back to their lines) and prepares the source once (bytes,
// lines, tokens, comments, syntax tree, the walk that resolves names), parse
// reads the header, check derives and checks every Go name and the Lua
// body, and vet adds its lints; check also judges what a package's
// scripts generate together. What passes is a model that emit renders
// without checking again. Findings from every stage are diag values,
// printed one way by every command.
package generator

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/luagen/luagen/generator/emit"
	"github.com/luagen/luagen/generator/model"
)

// File is one generated file.
type File struct {
	Path string // relative to Project.Root, slash-separated
	Data []byte
}

// Generate renders every package of proj. It reads only the go.mod that
// encloses proj.Root (for import paths) and writes nothing, so a failure
// here leaves the disk untouched. Files are sorted by Path.
func Generate(proj *model.Project) ([]File, error) {
	if proj == nil {
		return nil, errors.New("luagen: no project to generate")
	}
	if err := checkOuts(proj); err != nil {
		return nil, err
	}
	modPath, err := modulePath(proj.ModuleRoot)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", configName(proj), err)
	}
	var out []File
	for _, pkg := range proj.Packages {
		importPath, err := importPathOf(proj, modPath, pkg.Out)
		if err != nil {
			return nil, err
		}
		files, err := emit.Package(pkg, importPath)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			out = append(out, File{Path: path.Join(pkg.Out, f.Name), Data: f.Data})
		}
	}
	slices.SortFunc(out, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// checkOuts makes sure every out folder is a clean relative path and that no
// two packages share one, since both would own luagen.go there.
func checkOuts(proj *model.Project) error {
	seen := map[string]string{}
	for _, pkg := range proj.Packages {
		out := path.Clean(pkg.Out)
		if pkg.Out == "" || path.IsAbs(pkg.Out) || strings.Contains(pkg.Out, `\`) {
			return fmt.Errorf("%s: package %s: out %q must be a slash-separated path relative to %s", configName(proj), pkg.Name, pkg.Out, configName(proj))
		}
		if prev, ok := seen[out]; ok {
			return fmt.Errorf("%s: packages %s and %s both write to %s; give each its own out folder", configName(proj), prev, pkg.Name, out)
		}
		seen[out] = pkg.Name
	}
	return nil
}

// importPathOf is the import path of out: the module path plus out's path
// inside the module.
func importPathOf(proj *model.Project, modPath, out string) (string, error) {
	modRoot, err := filepath.Abs(proj.ModuleRoot)
	if err != nil {
		return "", err
	}
	dir, err := filepath.Abs(filepath.Join(proj.Root, filepath.FromSlash(out)))
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(modRoot, dir)
	if err != nil || !filepath.IsLocal(rel) && rel != "." {
		return "", fmt.Errorf("%s: out %s is outside the Go module at %s", configName(proj), out, proj.ModuleRoot)
	}
	if rel == "." {
		return modPath, nil
	}
	return modPath + "/" + filepath.ToSlash(rel), nil
}

// modulePath reads the module path from the go.mod in dir. It understands
// the module directive's plain and quoted forms; nothing else in go.mod
// matters here.
func modulePath(dir string) (string, error) {
	if dir == "" {
		return "", errors.New("no go.mod encloses it; generated packages must live in a Go module")
	}
	gomod := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module")
		if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t' && rest[0] != '"') {
			continue
		}
		rest = strings.TrimSpace(rest)
		if rest == "(" {
			return "", fmt.Errorf("%s: a module ( ) block is not supported; write module <path>", gomod)
		}
		if strings.HasPrefix(rest, `"`) || strings.HasPrefix(rest, "`") {
			if rest, err = strconv.Unquote(rest); err != nil {
				return "", fmt.Errorf("%s: bad module path: %v", gomod, err)
			}
		}
		if rest != "" {
			return rest, nil
		}
	}
	return "", fmt.Errorf("%s: no module directive", gomod)
}

func configName(proj *model.Project) string {
	if proj.ConfigPath != "" {
		return filepath.ToSlash(proj.ConfigPath)
	}
	return "luagen.yaml"
}

// IsGenerated reports whether data starts with luagen's header line, the
// mark of a file luagen may overwrite or delete.
func IsGenerated(data []byte) bool {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	return string(bytes.TrimSuffix(first, []byte("\r"))) == emit.Header
}

// WriteOptions tunes Write.
type WriteOptions struct {
	// DryRun decides everything, including refusals, but writes nothing.
	DryRun bool
}

// Summary says what Write did. Paths are relative to Project.Root,
// slash-separated, sorted.
type Summary struct {
	Written   []string
	Unchanged []string
	Removed   []string // stale generated files deleted
}

// Write puts files (from Generate) into the packages' out folders. It
// refuses, before touching anything, to overwrite a file that does not
// carry luagen's header, and it deletes generated .go files in the out
// folders that are no longer produced (a removed script). Changed files are
// first written to temporary files next to their targets, then renamed over
// them, so an error while writing leaves the previous files in place.
func Write(proj *model.Project, files []File, opts WriteOptions) (Summary, error) {
	var sum Summary
	outs := map[string]bool{}
	for _, pkg := range proj.Packages {
		outs[path.Clean(pkg.Out)] = true
	}
	wanted := map[string]bool{}
	var changed []File
	for _, f := range files {
		if !outs[path.Dir(f.Path)] || path.Clean(f.Path) != f.Path {
			return Summary{}, fmt.Errorf("%s: not in an out folder of %s; refusing to write it", DisplayPath(proj, f.Path), configName(proj))
		}
		wanted[f.Path] = true
		old, err := os.ReadFile(osPath(proj, f.Path))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			changed = append(changed, f)
		case err != nil:
			return Summary{}, err
		case !IsGenerated(old):
			return Summary{}, fmt.Errorf("%s: exists and was not generated by luagen (its first line is not %q); refusing to overwrite it", DisplayPath(proj, f.Path), emit.Header)
		case bytes.Equal(old, f.Data):
			sum.Unchanged = append(sum.Unchanged, f.Path)
		default:
			changed = append(changed, f)
		}
	}
	stale, err := staleFiles(proj, outs, wanted)
	if err != nil {
		return Summary{}, err
	}
	for _, f := range changed {
		sum.Written = append(sum.Written, f.Path)
	}
	sum.Removed = stale
	slices.Sort(sum.Written)
	slices.Sort(sum.Unchanged)
	if opts.DryRun {
		return sum, nil
	}

	temps := make([]string, len(changed))
	cleanup := func() {
		for _, t := range temps {
			if t != "" {
				os.Remove(t)
			}
		}
	}
	for i, f := range changed {
		t, err := writeTemp(osPath(proj, f.Path), f.Data)
		if err != nil {
			cleanup()
			return Summary{}, fmt.Errorf("%s: %w", DisplayPath(proj, f.Path), err)
		}
		temps[i] = t
	}
	for i, f := range changed {
		if err := os.Rename(temps[i], osPath(proj, f.Path)); err != nil {
			cleanup()
			return Summary{}, fmt.Errorf("%s: %w", DisplayPath(proj, f.Path), err)
		}
		temps[i] = ""
	}
	for _, p := range stale {
		if err := os.Remove(osPath(proj, p)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return Summary{}, err
		}
	}
	return sum, nil
}

// staleFiles lists .go files in the out folders that carry luagen's header
// but are not in wanted. Only the folders themselves are scanned: luagen
// never writes into subfolders, so it never deletes there either.
func staleFiles(proj *model.Project, outs, wanted map[string]bool) ([]string, error) {
	var stale []string
	for out := range outs {
		entries, err := os.ReadDir(osPath(proj, out))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			p := path.Join(out, e.Name())
			if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".go") || wanted[p] {
				continue
			}
			data, err := os.ReadFile(osPath(proj, p))
			if err != nil {
				return nil, err
			}
			if IsGenerated(data) {
				stale = append(stale, p)
			}
		}
	}
	slices.Sort(stale)
	return stale, nil
}

// writeTemp writes data to a new hidden file next to target (the Go tool
// ignores names starting with "."), creating target's folder if needed.
func writeTemp(target string, data []byte) (string, error) {
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, ".luagen-*.tmp")
	if err != nil {
		return "", err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr, os.Chmod(f.Name(), 0o644)); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

func osPath(proj *model.Project, rel string) string {
	return filepath.Join(proj.Root, filepath.FromSlash(rel))
}

// DisplayPath turns a path relative to proj.Root into the form diagnostics
// use: slash-separated and relative to the working directory when possible.
func DisplayPath(proj *model.Project, rel string) string {
	p := osPath(proj, rel)
	if filepath.IsAbs(p) {
		if wd, err := os.Getwd(); err == nil {
			if r, err := filepath.Rel(wd, p); err == nil && filepath.IsLocal(r) {
				p = r
			}
		}
	}
	return filepath.ToSlash(p)
}

// StaleKind says how a file on disk differs from what Generate produced.
type StaleKind int

const (
	Modified StaleKind = iota // present but different
	Missing                   // generated but absent
	Extra                     // carries luagen's header but would be deleted
)

func (k StaleKind) String() string {
	switch k {
	case Missing:
		return "missing"
	case Extra:
		return "extra"
	}
	return "modified"
}

// Stale is one file that Write would change.
type Stale struct {
	Path string // relative to Project.Root, slash-separated
	Kind StaleKind
	// Diff is a unified diff from the file on disk to the generated one,
	// labelled a/<path> and b/<path> with paths from DisplayPath, so
	// "patch -p1" applies it in the working directory (plain paths when
	// the file is outside the working directory).
	Diff string
}

// Check compares files (from Generate) with the disk and reports every file
// Write would create, change or delete, with a unified diff. It writes
// nothing.
func Check(proj *model.Project, files []File) ([]Stale, error) {
	outs := map[string]bool{}
	for _, pkg := range proj.Packages {
		outs[path.Clean(pkg.Out)] = true
	}
	wanted := map[string]bool{}
	var stale []Stale
	for _, f := range files {
		wanted[f.Path] = true
		old, err := os.ReadFile(osPath(proj, f.Path))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			_, b := diffLabels(proj, f.Path)
			stale = append(stale, Stale{Path: f.Path, Kind: Missing, Diff: Diff("/dev/null", b, nil, f.Data)})
		case err != nil:
			return nil, err
		case !bytes.Equal(old, f.Data):
			a, b := diffLabels(proj, f.Path)
			stale = append(stale, Stale{Path: f.Path, Kind: Modified, Diff: Diff(a, b, old, f.Data)})
		}
	}
	extra, err := staleFiles(proj, outs, wanted)
	if err != nil {
		return nil, err
	}
	for _, p := range extra {
		old, err := os.ReadFile(osPath(proj, p))
		if err != nil {
			return nil, err
		}
		a, _ := diffLabels(proj, p)
		stale = append(stale, Stale{Path: p, Kind: Extra, Diff: Diff(a, "/dev/null", old, nil)})
	}
	slices.SortFunc(stale, func(a, b Stale) int { return strings.Compare(a.Path, b.Path) })
	return stale, nil
}

// diffLabels are the file names of a diff header, git style.
func diffLabels(proj *model.Project, rel string) (a, b string) {
	d := DisplayPath(proj, rel)
	if path.IsAbs(d) || filepath.IsAbs(d) {
		return d, d
	}
	return "a/" + d, "b/" + d
}

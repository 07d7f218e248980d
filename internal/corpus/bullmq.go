package corpus

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Folders of the bullmq package tarball that matter here. dist/esm holds
// the same files.
const (
	bullLuaDir = "package/dist/cjs/commands/"
	bullJSDir  = "package/dist/cjs/scripts/"
)

// BullMQ packs bullmq@BullMQVersion with npm into dir/bullmq, checks the
// tarball against BullMQIntegrity, writes its Lua files to
// dir/bullmq/commands (commands) and dir/bullmq/commands/includes
// (includes), and returns the commands sorted by name, then the includes
// sorted by name. Commands carry Bundled, the flattened script BullMQ
// sends to Redis, read from the package's dist/cjs/scripts/NAME.js.
func BullMQ(ctx context.Context, dir string) ([]Script, error) {
	dir = filepath.Join(dir, "bullmq")
	tgz, err := packBullMQ(ctx, dir)
	if err != nil {
		return nil, err
	}
	files, err := untarBullMQ(tgz)
	if err != nil {
		return nil, err
	}
	var scripts []Script
	out := filepath.Join(dir, "commands")
	for name, src := range files {
		rel, ok := strings.CutPrefix(name, bullLuaDir)
		if !ok || !strings.HasSuffix(rel, ".lua") {
			continue
		}
		if !filepath.IsLocal(rel) {
			return nil, fmt.Errorf("corpus: bullmq tarball has a bad path %q", name)
		}
		s := Script{Library: LibBullMQ, Name: strings.TrimSuffix(rel, ".lua"), Source: string(src), KeyCount: -1}
		s.Include = strings.Contains(s.Name, "/")
		if !s.Include {
			s.KeyCount, err = keyCount(s.Name)
			if err != nil {
				return nil, err
			}
			js, ok := files[bullJSDir+s.Name+".js"]
			if !ok {
				return nil, fmt.Errorf("corpus: bullmq has no %s%s.js for %s.lua", bullJSDir, s.Name, s.Name)
			}
			if s.Bundled, err = bundledContent(js); err != nil {
				return nil, fmt.Errorf("corpus: bullmq %s.js: %v", s.Name, err)
			}
		}
		s.Path = filepath.Join(out, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(s.Path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(s.Path, src, 0o644); err != nil {
			return nil, err
		}
		scripts = append(scripts, s)
	}
	sort.Slice(scripts, func(i, j int) bool {
		if scripts[i].Include != scripts[j].Include {
			return !scripts[i].Include
		}
		return scripts[i].Name < scripts[j].Name
	})
	names := map[string]bool{}
	for _, s := range scripts {
		names[s.Name] = true
	}
	for i := range scripts {
		s := &scripts[i]
		for _, inc := range includeLines(s.Source) {
			// Paths are relative to the including file's folder, as
			// BullMQ's ScriptLoader resolves them.
			target := path.Clean(path.Join(path.Dir(s.Name), inc))
			if !names[target] {
				return nil, fmt.Errorf("corpus: bullmq %s.lua includes %q, which is not in the package", s.Name, inc)
			}
			s.Includes = append(s.Includes, inc)
			s.IncludeNames = append(s.IncludeNames, target)
		}
	}
	if len(scripts) == 0 {
		return nil, fmt.Errorf("corpus: no Lua files under %s in bullmq@%s", bullLuaDir, BullMQVersion)
	}
	return scripts, nil
}

// packBullMQ runs npm pack in dir and returns the tarball's bytes.
func packBullMQ(ctx context.Context, dir string) ([]byte, error) {
	what := BullMQPackage + "@" + BullMQVersion + " from the npm registry"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	env := []string{
		"npm_config_update_notifier=false",
		"npm_config_fund=false",
		"npm_config_audit=false",
		// npm's default retries wait minutes for an unreachable registry.
		"npm_config_fetch_retries=1",
		"npm_config_fetch_retry_mintimeout=2000",
		"npm_config_fetch_retry_maxtimeout=10000",
	}
	stdout, err := run(ctx, what, dir, env, "npm", "pack", "--json", "--ignore-scripts", BullMQPackage+"@"+BullMQVersion)
	if err != nil {
		return nil, err
	}
	var packed []struct {
		Filename  string `json:"filename"`
		Integrity string `json:"integrity"`
	}
	if err := json.Unmarshal(stdout, &packed); err != nil || len(packed) != 1 || !filepath.IsLocal(packed[0].Filename) {
		return nil, fmt.Errorf("corpus: npm pack --json printed %q (%v)", stdout, err)
	}
	tgz, err := os.ReadFile(filepath.Join(dir, packed[0].Filename))
	if err != nil {
		return nil, err
	}
	sum := sha512.Sum512(tgz)
	if got := "sha512-" + base64.StdEncoding.EncodeToString(sum[:]); got != BullMQIntegrity {
		return nil, fmt.Errorf("corpus: %s has integrity %s, want %s", packed[0].Filename, got, BullMQIntegrity)
	}
	return tgz, nil
}

// untarBullMQ returns the regular files of the tarball that this package
// reads, by name.
func untarBullMQ(tgz []byte) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, fmt.Errorf("corpus: bullmq tarball: %v", err)
	}
	tr := tar.NewReader(zr)
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("corpus: bullmq tarball: %v", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name := path.Clean(h.Name)
		lua := strings.HasPrefix(name, bullLuaDir) && strings.HasSuffix(name, ".lua")
		js := strings.HasPrefix(name, bullJSDir) && strings.HasSuffix(name, ".js")
		if !lua && !js {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("corpus: bullmq tarball: %s: %v", name, err)
		}
		files[name] = b
	}
	return files, nil
}

var keyCountRE = regexp.MustCompile(`-(\d+)$`)

// keyCount reads the number of KEYS from a command's name: addLog-2 → 2.
func keyCount(name string) (int, error) {
	m := keyCountRE.FindStringSubmatch(name)
	if m == nil {
		return 0, fmt.Errorf("corpus: bullmq command %s.lua has no key count in its name", name)
	}
	return strconv.Atoi(m[1])
}

var includeRE = regexp.MustCompile(`(?m)^[ \t]*---[ \t]*@include[ \t]+"([^"]+)"[ \t]*\r?$`)

// includeLines returns the targets of the `--- @include "path"` lines.
func includeLines(src string) []string {
	var out []string
	for _, m := range includeRE.FindAllStringSubmatch(src, -1) {
		out = append(out, m[1])
	}
	return out
}

// bundledContent reads the script out of a dist/cjs/scripts/NAME.js
// module: the template literal of `const content = `...`;`.
func bundledContent(js []byte) (string, error) {
	s := string(js)
	const start = "const content = `"
	i := strings.Index(s, start)
	if i < 0 {
		return "", fmt.Errorf("no %q", start)
	}
	s = s[i+len(start):]
	var b strings.Builder
	for j := 0; j < len(s); j++ {
		switch c := s[j]; c {
		case '`':
			return b.String(), nil
		case '$':
			if j+1 < len(s) && s[j+1] == '{' {
				return "", fmt.Errorf("template substitution in content")
			}
			b.WriteByte(c)
		case '\\':
			if j+1 >= len(s) {
				return "", fmt.Errorf("unterminated content")
			}
			j++
			switch e := s[j]; e {
			case '\\', '`', '$', '\'', '"':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				return "", fmt.Errorf("escape \\%c in content", e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", fmt.Errorf("unterminated content")
}

// Flatten returns a BullMQ command with its includes expanded the way
// BullMQ's ScriptLoader does: each `--- @include` line is replaced by the
// included file, itself flattened, the first time that file is included,
// and removed after that; an include that includes itself, directly or
// not, is an error (BullMQ refuses circular references too). byName maps Names to scripts (all of one
// library). For the BullMQ package, Flatten(byName, s) should equal
// s.Bundled; see the tests.
func Flatten(byName map[string]Script, s Script) (string, error) {
	seen := map[string]bool{}
	return flatten(byName, s, seen, nil)
}

func flatten(byName map[string]Script, s Script, seen map[string]bool, stack []string) (string, error) {
	stack = append(stack, s.Name)
	var err error
	out := includeRE.ReplaceAllStringFunc(s.Source, func(line string) string {
		if err != nil {
			return ""
		}
		inc := includeRE.FindStringSubmatch(line)[1]
		target := path.Clean(path.Join(path.Dir(s.Name), inc))
		for _, n := range stack {
			if n == target {
				err = fmt.Errorf("corpus: include cycle %s → %s", strings.Join(stack, " → "), target)
				return ""
			}
		}
		if seen[target] {
			return ""
		}
		seen[target] = true
		t, ok := byName[target]
		if !ok {
			err = fmt.Errorf("corpus: %s includes %q, which is unknown", s.Name, inc)
			return ""
		}
		var body string
		body, err = flatten(byName, t, seen, stack)
		return body
	})
	return out, err
}

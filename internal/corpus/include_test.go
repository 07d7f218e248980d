package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/luagen/luagen/generator/luasrc"
)

// TestFlattenLikeLuagen checks that luagen's @include flattening gives
// every BullMQ command the bytes BullMQ's own loader gives it (Flatten),
// and that its line map takes every line back to the file it came from.
func TestFlattenLikeLuagen(t *testing.T) {
	scripts := bullmq(t)
	byName := map[string]Script{}
	for _, s := range scripts {
		byName[s.Name] = s
	}
	commands := filepath.Dir(scripts[0].Path)
	read := func(name string) ([]byte, error) {
		return os.ReadFile(filepath.Join(commands, filepath.FromSlash(name)))
	}
	n := 0
	for _, s := range scripts {
		if s.Include {
			continue
		}
		want, err := Flatten(byName, s)
		if err != nil {
			t.Fatal(err)
		}
		got, m, diags := luasrc.Flatten(s.Name+".lua", []byte(s.Source), read)
		if len(diags) > 0 {
			t.Errorf("%s: %v", s.Name, diags)
			continue
		}
		if string(got) != want {
			t.Errorf("%s: luasrc.Flatten differs from BullMQ's flattening", s.Name)
			continue
		}
		if len(s.Includes) > 0 && m == nil {
			t.Errorf("%s: includes %v but has no line map", s.Name, s.Includes)
			continue
		}
		for i, line := range strings.Split(string(got), "\n") {
			file, fl := s.Name+".lua", i+1
			if m != nil {
				var f int
				f, fl = m.Origin(i + 1)
				file = m.Files[f].Name
			}
			src, _ := read(file)
			orig := strings.Split(string(src), "\n")
			if fl > len(orig) || orig[fl-1] != line && !strings.Contains(orig[fl-1], "@include") {
				t.Errorf("%s: line %d %q maps to %s:%d", s.Name, i+1, line, file, fl)
				break
			}
		}
		n++
	}
	t.Logf("%d BullMQ commands flattened as BullMQ does", n)
}

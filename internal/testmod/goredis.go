package testmod

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// HasGoRedis reports whether the repository at repo holds the go-redis
// runtime module (goredis/go.mod).
func HasGoRedis(repo string) bool {
	_, err := os.Stat(filepath.Join(repo, "goredis", "go.mod"))
	return err == nil
}

// WriteGoRedis is Write for code that uses the go-redis runtime too: the
// module also requires github.com/luagen/luagen/goredis, replaced by the
// repository's goredis/, with that module's requirements and go.sum (the go
// command settles a module required at two versions on the higher one).
func WriteGoRedis(t testing.TB, dir, path, repo string) {
	t.Helper()
	Write(t, dir, path, repo)
	repo, err := filepath.Abs(repo)
	if err != nil {
		t.Fatal(err)
	}
	goredis := filepath.Join(repo, "goredis")
	goMod, err := os.ReadFile(filepath.Join(goredis, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mod = append(mod, "\nrequire github.com/luagen/luagen/goredis v0.0.0\n\n"+requireLines(string(goMod))+
		"\nreplace github.com/luagen/luagen/goredis => "+goredis+"\n"...)
	sum, _ := os.ReadFile(filepath.Join(dir, "go.sum"))
	if more, err := os.ReadFile(filepath.Join(goredis, "go.sum")); err == nil {
		sum = append(sum, more...)
	}
	for name, data := range map[string][]byte{"go.mod": mod, "go.sum": sum} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// requireLines returns the require directives of a go.mod, single lines and
// blocks, leaving out the rest (its module line, replace directives).
func requireLines(goMod string) string {
	var b strings.Builder
	inBlock := false
	for _, line := range strings.Split(goMod, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case inBlock:
			b.WriteString(line + "\n")
			inBlock = trimmed != ")"
		case trimmed == "require (":
			b.WriteString(line + "\n")
			inBlock = true
		case strings.HasPrefix(trimmed, "require "):
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

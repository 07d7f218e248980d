package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoToolPath proves the documented path: a module that requires luagen
// as a tool (go get -tool), runs it through //go:generate go tool luagen,
// builds, and runs the generated code on the embedded Redis.
func TestGoToolPath(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module with the go command")
	}
	dir := t.TempDir()
	writeTestModule(t, dir, "example.com/tooluser")
	appendFile(t, filepath.Join(dir, "go.mod"), "\ntool github.com/luagen/luagen/cmd/luagen\n")
	writeFile(t, filepath.Join(dir, "luagen.yaml"), `version: 1
packages:
  - name: greet
    scripts: scripts
    out: internal/greet
`)
	writeFile(t, filepath.Join(dir, "scripts", "hello.lua"), `--[[luagen
doc: Greets name and counts the greetings in counter.
keys:
  - {name: counter}
args:
  - {name: name, type: string}
returns:
  type: struct
  fields:
    - {name: greeting, type: string}
    - {name: count, type: int64}
]]
local n = redis.call('INCR', KEYS[1])
return {'hello, ' .. ARGV[1], n}
`)
	writeFile(t, filepath.Join(dir, "main.go"), `package main

//go:generate go tool luagen generate

import (
	"context"
	"fmt"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/rueidis"

	"example.com/tooluser/internal/greet"
)

func main() {
	m, err := miniredis.Run()
	if err != nil {
		panic(err)
	}
	defer m.Close()
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{m.Addr()}, DisableCache: true})
	if err != nil {
		panic(err)
	}
	defer client.Close()
	g := greet.New(client)
	for range 2 {
		res, err := g.Hello(context.Background(), "greetings", "gopher")
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s #%d\n", res.Greeting, res.Count)
	}
}
`)
	gen := goOutput(t, dir, "generate", "./...")
	if !strings.Contains(gen, "luagen: 1 script, 2 files written") {
		t.Errorf("go generate printed %q", gen)
	}
	goCmd(t, dir, "build", "./...")
	goCmd(t, dir, "tool", "luagen", "check")
	if out := goOutput(t, dir, "run", "."); out != "hello, gopher #1\nhello, gopher #2\n" {
		t.Errorf("program printed %q", out)
	}
}

func goOutput(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, path, data string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(data); err != nil {
		t.Fatal(err)
	}
}

// TestExamplesFresh is `luagen check` on every example and the init scaffold: the committed
// generated code matches its scripts.
func TestExamplesFresh(t *testing.T) {
	configs, err := filepath.Glob(filepath.Join("..", "..", "examples", "*", "luagen.yaml"))
	if err != nil || len(configs) < 3 {
		t.Fatalf("examples: %v, %v", configs, err)
	}
	// The init scaffold ships its generated code too.
	configs = append(configs, filepath.Join("..", "..", "templates", "init", "luagen.yaml"))
	for _, c := range configs {
		dir, _ := filepath.Abs(filepath.Dir(c))
		code, stdout, stderr := runIn(t, dir, "check")
		if code != 0 {
			t.Errorf("luagen check in %s: exit %d; run go generate there\n%s%s", dir, code, stdout, stderr)
		}
	}
}

package corpus

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/luagen/luagen/generator"
	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/internal/testmod"
)

// TestCorpusGenerate adopts real script libraries as a user would: it
// writes a luagen header for each of asynq's 49 scripts and each BullMQ
// command without includes, from what Analyze finds (key and arg counts,
// variadic where KEYS or ARGV are read by a computed index, prefix: true
// where a param starts a key, result raw), generates Go for them, builds
// it, and logs every finding vet leaves. It fails on any error finding
// (the scripts run in production, so an error would be a false positive)
// and on any script that does not generate; warnings are logged, and
// counted per check.
func TestCorpusGenerate(t *testing.T) {
	if testing.Short() {
		t.Skip("fetches two libraries and runs go build")
	}
	as := asynq(t)
	bs := bullmq(t)
	dir := t.TempDir()
	testmod.Write(t, dir, "example.com/corpus", filepath.Join("..", ".."))

	var bullFree []Script
	for _, s := range bs {
		if !s.Include && len(s.Includes) == 0 {
			bullFree = append(bullFree, s)
		}
	}
	for _, lib := range []struct {
		name    string
		scripts []Script
		keys    func(Script, Shape) int
	}{
		{LibAsynq, as, func(_ Script, sh Shape) int { return maxInt(sh.Keys) }},
		{LibBullMQ, bullFree, func(s Script, _ Shape) int { return s.KeyCount }},
	} {
		for _, s := range lib.scripts {
			sh := Analyze(s.Source)
			if sh.ParseErr != nil {
				t.Fatalf("%s: %v", s.Name, sh.ParseErr)
			}
			h := headerFor(s, sh, lib.keys(s, sh))
			p := filepath.Join(dir, "scripts", lib.name, s.Name+".lua")
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(h+s.Source), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	config := "version: 1\npackages:\n" +
		"  - {name: asynq, scripts: scripts/asynq, out: gen/asynq}\n" +
		"  - {name: bullmq, scripts: scripts/bullmq, out: gen/bullmq}\n"
	if err := os.WriteFile(filepath.Join(dir, "luagen.yaml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}

	proj, diags := generator.Load(filepath.Join(dir, "luagen.yaml"))
	if proj == nil || diags.HasErrors() {
		t.Fatalf("load:\n%s", diags.Error())
	}
	files, err := generator.Generate(proj)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := generator.Write(proj, files, generator.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	generated := map[string]int{}
	for _, f := range files {
		if strings.HasSuffix(f.Path, ".luagen.go") {
			generated[path.Base(path.Dir(f.Path))]++
		}
	}
	if generated[LibAsynq] != 49 || generated[LibBullMQ] != len(bullFree) {
		t.Errorf("generated %d asynq scripts (want 49) and %d BullMQ commands (want %d)", generated[LibAsynq], generated[LibBullMQ], len(bullFree))
	}
	build := exec.Command("go", "build", "./...")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	counts := map[string]int{}
	var lines []string
	for _, d := range diags {
		lib := path.Base(path.Dir(d.File))
		counts[lib+" "+string(d.Check)]++
		lines = append(lines, d.String())
	}
	var summary []string
	for _, k := range sortedKeys(mapKeys(counts)) {
		summary = append(summary, fmt.Sprintf("%s×%d", k, counts[k]))
	}
	t.Logf("asynq: %d/49 scripts generated; BullMQ: %d/%d commands without includes generated; go build ok; %d findings, all warnings: %s\n%s",
		generated[LibAsynq], generated[LibBullMQ], len(bullFree), len(diags), strings.Join(summary, ", "), strings.Join(lines, "\n"))
	if n := diags.Count(diag.Warning); n != len(diags) {
		t.Errorf("%d findings are not warnings", len(diags)-n)
	}
	// Every finding left is a reviewed one: a new one is a false positive
	// until reviewed, a missing one a hazard vet stopped seeing.
	var got []string
	for _, d := range diags {
		got = append(got, fmt.Sprintf("%s:%d %s", d.File, d.Line, d.Check))
	}
	if !slices.Equal(got, reviewedFindings) {
		t.Errorf("findings changed:\n%s\nreviewed:\n%s", strings.Join(got, "\n"), strings.Join(reviewedFindings, "\n"))
	}
}

// reviewedFindings are the findings vet leaves on the corpus, each judged
// by reading the script: all are true.
var reviewedFindings = []string{
	// The task hash stores the name of its unique lock key, which the
	// script then reads and deletes: a key vet cannot place in a slot
	// (asynq's unique keys share the queue's hash tag, which only asynq
	// knows).
	"scripts/asynq/delete_all_cmd.lua:14 key-not-from-KEYS",
	"scripts/asynq/delete_all_cmd.lua:15 key-not-from-KEYS",
	"scripts/asynq/delete_task_cmd.lua:37 key-not-from-KEYS",
	"scripts/asynq/delete_task_cmd.lua:38 key-not-from-KEYS",
	// Key names read from a sorted set, and one cut out of such a name
	// with string.sub.
	"scripts/asynq/reclaim_state_aggregation_sets_cmd.lua:14 key-not-from-KEYS",
	"scripts/asynq/reclaim_state_aggregation_sets_cmd.lua:16 key-not-from-KEYS",
	"scripts/asynq/reclaim_state_aggregation_sets_cmd.lua:18 key-not-from-KEYS",
	// ARGV[1] is documented ("id") but never read.
	"scripts/bullmq/addLog-2.lua:7 unused-arg",
	// KEYS[1] only routes the call to the slot of the keys built from
	// ARGV[1]; the warning says so.
	"scripts/bullmq/relayAckInbox-1.lua:4 unused-key",
	"scripts/bullmq/relayReadInbox-1.lua:4 unused-key",
}

// dynamicKeys and dynamicArgs recognize Shape.Dynamic entries that read
// KEYS or ARGV at indexes a header cannot list; "KEYS[7..10]" (a loop with
// literal bounds) is not one: its indexes are in Shape.Keys.
var (
	dynamicKeys = regexp.MustCompile(`^(#KEYS|ipairs\(KEYS\)|unpack\(KEYS\)|KEYS as a value|KEYS\[[^.\]]*\])$`)
	dynamicArgs = regexp.MustCompile(`^(#ARGV|ipairs\(ARGV\)|unpack\(ARGV\)|ARGV as a value|ARGV\[[^.\]]*\])$`)
)

// headerFor writes the luagen header a user adopting the script would:
// keys KEYS[1..nKeys] and args up to the highest ARGV index read, the last
// variadic when the script reads them by a computed index (after an extra
// param when the last would also be a prefix, which a variadic param cannot
// be), prefix: true on every param Analyze saw start a key, result raw.
func headerFor(s Script, sh Shape, nKeys int) string {
	prefix := map[string]bool{}
	for p, uses := range sh.KeyUse {
		if slices.Contains(uses, "prefix") {
			prefix[p] = true
		}
	}
	params := func(table, name string, n int, dynamic *regexp.Regexp) []string {
		variadic := slices.ContainsFunc(sh.Dynamic, dynamic.MatchString)
		var out []string
		for i := 1; i <= n; i++ {
			p := fmt.Sprintf("  - {name: %s%d", name, i)
			if prefix[fmt.Sprintf("%s[%d]", table, i)] {
				p += ", prefix: true"
			}
			out = append(out, p)
		}
		if variadic && (n == 0 || strings.Contains(out[n-1], "prefix")) {
			out = append(out, fmt.Sprintf("  - {name: %s%d", name, n+1))
		}
		if variadic {
			out[len(out)-1] += ", variadic: true"
		}
		for i := range out {
			out[i] += "}\n"
		}
		return out
	}
	var b strings.Builder
	fmt.Fprintf(&b, "--[[luagen\ndoc: %s's %s, with a header written from its analysis.\n", s.Library, s.Name)
	if keys := params("KEYS", "key", nKeys, dynamicKeys); len(keys) > 0 {
		b.WriteString("keys:\n" + strings.Join(keys, ""))
	}
	if args := params("ARGV", "arg", maxInt(sh.Args), dynamicArgs); len(args) > 0 {
		b.WriteString("args:\n" + strings.Join(args, ""))
	}
	b.WriteString("returns: raw\n]]\n")
	return b.String()
}

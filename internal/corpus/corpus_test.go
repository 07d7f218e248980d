package corpus

import (
	"context"
	"fmt"
	"os"
	"path"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/luagen/luagen/generator/luasrc"
	"github.com/luagen/luagen/generator/model"
	"github.com/luagen/luagen/generator/vet"
)

// The libraries are fetched once per test binary into one temporary
// folder, removed when the tests end.
var (
	fetchDir string

	asynqOnce    sync.Once
	asynqScripts []Script
	asynqErr     error

	bullOnce    sync.Once
	bullScripts []Script
	bullErr     error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "luagen-corpus-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fetchDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func fetchCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func asynq(t *testing.T) []Script {
	t.Helper()
	asynqOnce.Do(func() { asynqScripts, asynqErr = Asynq(fetchCtx(t), fetchDir) })
	Skip(t, asynqErr)
	return asynqScripts
}

func bullmq(t *testing.T) []Script {
	t.Helper()
	bullOnce.Do(func() { bullScripts, bullErr = BullMQ(fetchCtx(t), fetchDir) })
	Skip(t, bullErr)
	return bullScripts
}

func TestAsynq(t *testing.T) {
	scripts := asynq(t)
	// Issue 12 counts 49 scripts in asynq v0.26.0's internal/rdb.
	if len(scripts) != 49 {
		t.Errorf("got %d asynq scripts, want 49", len(scripts))
	}
	var idents []string
	for _, s := range scripts {
		idents = append(idents, s.GoIdent)
		if s.Library != LibAsynq || s.Name != snake(s.GoIdent) || s.GoFile == "" || s.GoLine == 0 {
			t.Errorf("%+v: incomplete", s)
		}
		b, err := os.ReadFile(s.Path)
		if err != nil || string(b) != s.Source || path.Base(s.Path) != s.Name+".lua" {
			t.Errorf("%s: file %s does not hold the source (%v)", s.GoIdent, s.Path, err)
		}
		if sh := Analyze(s.Source); sh.ParseErr != nil {
			t.Errorf("%s: gopher-lua cannot parse it: %v", s.GoIdent, sh.ParseErr)
		}
		if !strings.Contains(s.GoDoc, "KEYS[") && !strings.Contains(s.GoDoc, "ARGV[") {
			t.Logf("%s: no KEYS/ARGV documentation", s.GoIdent)
		}
	}
	t.Logf("%d asynq scripts: %s", len(scripts), strings.Join(idents, " "))
}

func TestBullMQ(t *testing.T) {
	scripts := bullmq(t)
	var commands, includes int
	byName := map[string]Script{}
	for _, s := range scripts {
		byName[s.Name] = s
		if s.Include {
			includes++
		} else {
			commands++
		}
	}
	// 64 commands in bullmq 6.7.0; its includes/ folder holds 72 files.
	if commands != 64 || includes != 72 {
		t.Errorf("got %d commands and %d includes, want 64 and 72", commands, includes)
	}
	used := map[string]bool{}
	for _, s := range scripts {
		b, err := os.ReadFile(s.Path)
		if err != nil || string(b) != s.Source {
			t.Errorf("%s: file %s does not hold the source (%v)", s.Name, s.Path, err)
		}
		if sh := Analyze(s.Source); sh.ParseErr != nil {
			t.Errorf("%s: gopher-lua cannot parse it: %v", s.Name, sh.ParseErr)
		}
		if len(s.Includes) != len(s.IncludeNames) {
			t.Errorf("%s: includes %q resolved to %q", s.Name, s.Includes, s.IncludeNames)
		}
		if s.Include {
			if s.KeyCount != -1 || s.Bundled != "" {
				t.Errorf("%s: include with key count %d or bundled source", s.Name, s.KeyCount)
			}
			continue
		}
		if s.KeyCount < 1 || !strings.HasSuffix(s.Name, fmt.Sprintf("-%d", s.KeyCount)) {
			t.Errorf("%s: key count %d", s.Name, s.KeyCount)
		}
		flat, err := Flatten(byName, s)
		if err != nil {
			t.Fatal(err)
		}
		// BullMQ's build drops blank lines from the flattened script.
		if got := dropBlankLines(flat); got != s.Bundled {
			t.Errorf("%s: Flatten without blank lines differs from dist/cjs/scripts/%s.js", s.Name, s.Name)
		}
		if sh := Analyze(s.Bundled); sh.ParseErr != nil {
			t.Errorf("%s: gopher-lua cannot parse the bundled script: %v", s.Name, sh.ParseErr)
		}
		for _, n := range includeClosure(byName, s) {
			used[n] = true
		}
	}
	var unused []string
	for _, s := range scripts {
		if s.Include && !used[s.Name] {
			unused = append(unused, s.Name)
		}
	}
	t.Logf("bullmq@%s: %d commands, %d includes (%d reached from commands; never included: %s)",
		BullMQVersion, commands, includes, len(used), strings.Join(unused, " "))
}

func TestFlattenCycle(t *testing.T) {
	by := map[string]Script{
		"a":          {Name: "a", Source: "--- @include \"includes/b\"\nreturn 1\n"},
		"includes/b": {Name: "includes/b", Source: "--- @include \"c\"\nlocal b = 1\n", Include: true},
		"includes/c": {Name: "includes/c", Source: "--- @include \"b\"\nlocal c = 1\n", Include: true},
	}
	if _, err := Flatten(by, by["a"]); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Fatalf("Flatten of a cycle: %v", err)
	}
	by["includes/c"] = Script{Name: "includes/c", Source: "local c = 1\n", Include: true}
	by["a"] = Script{Name: "a", Source: "--- @include \"includes/b\"\n--- @include \"includes/c\"\nreturn 1\n"}
	got, err := Flatten(by, by["a"])
	if want := "local c = 1\n\nlocal b = 1\n\n\nreturn 1\n"; err != nil || got != want {
		t.Fatalf("Flatten = %q, %v; want %q", got, err, want)
	}
}

func TestSkip(t *testing.T) {
	t.Setenv("CI", "")
	fe := &FetchError{What: "x@1 from the npm registry", Cmd: "npm pack x@1", Stderr: "ENOTFOUND", Err: fmt.Errorf("exit status 1")}
	for _, tc := range []struct {
		err  error
		ci   string
		want string // "ok", "skip" or "fail"
	}{
		{nil, "", "ok"},
		{fe, "", "skip"},
		{fe, "true", "fail"},
		{fmt.Errorf("wrapped: %w", fe), "", "skip"},
		{fmt.Errorf("corpus: no Lua files"), "", "fail"},
	} {
		t.Setenv("CI", tc.ci)
		rec := &recordTB{TB: t}
		done := make(chan struct{})
		go func() { // Skip and Fatal end the goroutine
			defer close(done)
			Skip(rec, tc.err)
		}()
		<-done
		if rec.outcome() != tc.want {
			t.Errorf("Skip(%v) with CI=%q: %s, want %s", tc.err, tc.ci, rec.outcome(), tc.want)
		}
	}
	if msg := fe.Error(); !strings.Contains(msg, "is the registry reachable") || !strings.Contains(msg, "ENOTFOUND") {
		t.Errorf("FetchError message %q", msg)
	}
}

type recordTB struct {
	testing.TB
	skipped, failed bool
}

func (r *recordTB) Helper()             {}
func (r *recordTB) Fatal(args ...any)   { r.failed = true; runtime.Goexit() }
func (r *recordTB) Skip(args ...any)    { r.skipped = true; runtime.Goexit() }
func (r *recordTB) Logf(string, ...any) {}
func (r *recordTB) outcome() string {
	switch {
	case r.failed:
		return "fail"
	case r.skipped:
		return "skip"
	}
	return "ok"
}

func dropBlankLines(s string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			b.WriteString(l)
		}
	}
	return b.String()
}

// includeClosure returns the includes a script reaches, transitively.
func includeClosure(byName map[string]Script, s Script) []string {
	seen := map[string]bool{}
	var visit func(Script)
	visit = func(s Script) {
		for _, n := range s.IncludeNames {
			if !seen[n] {
				seen[n] = true
				visit(byName[n])
			}
		}
	}
	visit(s)
	return sortedKeys(seen)
}

func TestAnalyze(t *testing.T) {
	src := `
local rcall = redis.call
local prefix = ARGV[2]
local args = cmsgpack.unpack(ARGV[1])
local function removeJob(id, base)
  rcall("DEL", base .. id, base .. id .. ":logs")
end
local jobKey = KEYS[9] .. ARGV[3]
if rcall("EXISTS", jobKey) == 1 then return 0 end
redis.call("HSET", "asynq:{" .. ARGV[4] .. "}:t", "x", 1)
redis.call("SET", args[1] .. "x", cjson.encode({}))
for i = 1, #ARGV do redis.call("SADD", KEYS[1], ARGV[i]) end
for i = 2, 3 do redis.call("GET", KEYS[i]) end
removeJob(ARGV[3], prefix)
return redis.call("GET", ARGV[5])
`
	sh := Analyze(src)
	if sh.ParseErr != nil {
		t.Fatal(sh.ParseErr)
	}
	want := map[string][]string{
		"KEYS[9]":   {"prefix"},
		"ARGV[2]":   {"prefix"},
		"ARGV[3]":   {"part"},
		"ARGV[4]":   {"part"},
		"ARGV[1].1": {"prefix"},
		"KEYS[1]":   {"key"},
		"KEYS[2]":   {"key"},
		"KEYS[3]":   {"key"},
		"ARGV[5]":   {"key"},
	}
	if fmt.Sprint(sh.KeyUse) != fmt.Sprint(want) {
		t.Errorf("KeyUse = %v, want %v", sh.KeyUse, want)
	}
	if fmt.Sprint(sh.Keys, sh.Args, sh.Dynamic) != "[1 2 3 9] [1 2 3 4 5] [#ARGV ARGV[i] KEYS[2..3]]" {
		t.Errorf("Keys, Args, Dynamic = %v %v %v", sh.Keys, sh.Args, sh.Dynamic)
	}
	if sh.RedisCalls != 7 || sh.AliasCalls != 2 || fmt.Sprint(sh.Aliases) != "[rcall]" {
		t.Errorf("calls %d, via alias %d, aliases %v", sh.RedisCalls, sh.AliasCalls, sh.Aliases)
	}
	if fmt.Sprint(sh.KeyFunctions, sh.Libs) != "[removeJob(base as prefix) removeJob(id as part)] [cjson.encode cmsgpack.unpack]" {
		t.Errorf("KeyFunctions %v, Libs %v", sh.KeyFunctions, sh.Libs)
	}
	keys, args := ParamDocs("// KEYS[1] -> asynq:{<qname>}:t:<task_id>\n// --\n// ARGV[1] -> task message data\n")
	if keys[1] != "asynq:{<qname>}:t:<task_id>" || args[1] != "task message data" {
		t.Errorf("ParamDocs: %v %v", keys, args)
	}
	keys, _ = ParamDocs("--[[\n  Input:\n    KEYS[1] 'wait',\n    KEYS[2] 'paused'\n]]")
	if keys[1] != "'wait'" || keys[2] != "'paused'" {
		t.Errorf("ParamDocs: %v", keys)
	}
}

// row is one script of TestCorpusShape's tables.
type row struct {
	name            string
	docs            map[string]string // "KEYS[1]" → its documentation
	keys, args      int               // declared (BullMQ key count) or the highest literal index used
	docKeys, docArg int               // documented KEYS[n]/ARGV[n] lines
	sh              Shape
	vet             map[string]int
}

// TestCorpusShape fetches both libraries and logs, per script, how it uses
// KEYS and ARGV, for writing luagen headers for them. With
// LUAGEN_CORPUS_REPORT=file it also writes the tables there.
func TestCorpusShape(t *testing.T) {
	as := asynq(t)
	bs := bullmq(t)
	byName := map[string]Script{}
	for _, s := range bs {
		byName[s.Name] = s
	}
	var out strings.Builder
	logf := func(format string, args ...any) {
		fmt.Fprintf(&out, format+"\n", args...)
	}

	var rows []row
	for _, s := range as {
		dk, da := ParamDocs(s.GoDoc)
		r := row{name: s.Name, docKeys: len(dk), docArg: len(da), docs: docMap(dk, da), sh: Analyze(s.Source)}
		r.keys, r.args = maxInt(r.sh.Keys), maxInt(r.sh.Args)
		r.vet = vetCounts(s.Name, s.Source, r.keys, r.sh)
		rows = append(rows, r)
	}
	logf("## asynq %s: %d scripts (internal/rdb)", AsynqVersion, len(as))
	table(logf, rows)

	rows = rows[:0]
	var incRows []row
	for _, s := range bs {
		dk, da := ParamDocs(LeadingComment(s.Source))
		src := s.Bundled
		if s.Include {
			// An include with its own includes, as a command gets it.
			flat, err := Flatten(byName, s)
			if err != nil {
				t.Fatal(err)
			}
			src = flat
		}
		r := row{name: s.Name, docKeys: len(dk), docArg: len(da), docs: docMap(dk, da), sh: Analyze(src)}
		r.keys, r.args = s.KeyCount, maxInt(r.sh.Args)
		if s.Include && slices.Contains(r.sh.Free, "rcall") {
			// Includes call the including command's rcall alias.
			free := r.sh.Free
			r.sh = Analyze("local rcall = redis.call\n" + src)
			r.sh.Free = free
		}
		if s.Include {
			r.keys = maxInt(r.sh.Keys)
			incRows = append(incRows, r)
			continue
		}
		r.vet = vetCounts(s.Name, src, r.keys, r.sh)
		if m := maxInt(r.sh.Keys); m > s.KeyCount {
			t.Errorf("%s reads KEYS[%d] beyond its key count %d", s.Name, m, s.KeyCount)
		}
		rows = append(rows, r)
	}
	logf("\n## bullmq %s: %d commands (analysed flattened, as sent to Redis)", BullMQVersion, len(rows))
	table(logf, rows)
	logf("\n## bullmq %s: %d includes (analysed with their own includes flattened in)", BullMQVersion, len(incRows))
	includeTable(logf, incRows)

	t.Log("\n" + out.String())
	if p := os.Getenv("LUAGEN_CORPUS_REPORT"); p != "" {
		if err := os.WriteFile(p, []byte(out.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}

func maxInt(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// vetCounts runs luagen's vet on the script with a header of n keys (the
// last variadic when the script reads KEYS with an unbounded computed
// index), to measure what adopting it as is would report.
func vetCounts(name, src string, n int, sh Shape) map[string]int {
	s := &model.Script{File: name + ".lua", Source: src, Name: name}
	for i := 1; i <= n; i++ {
		s.Keys = append(s.Keys, model.Param{Name: fmt.Sprintf("k%d", i), Type: model.TypeString})
	}
	for _, d := range sh.Dynamic {
		if strings.Contains(d, "KEYS") && !strings.Contains(d, "..") && len(s.Keys) > 0 {
			s.Keys[len(s.Keys)-1].Variadic = true
		}
	}
	counts := map[string]int{}
	for _, d := range vet.Script(s, luasrc.Prepare(s.File, []byte(src))) {
		counts[string(d.Check)]++
	}
	return counts
}

func docMap(keys, args map[int]string) map[string]string {
	m := map[string]string{}
	for i, d := range keys {
		m[fmt.Sprintf("KEYS[%d]", i)] = d
	}
	for i, d := range args {
		m[fmt.Sprintf("ARGV[%d]", i)] = d
	}
	return m
}

// joinUse lists the params used as one of kinds, each with its
// documentation when docs has it.
func joinUse(m map[string][]string, docs map[string]string, kinds ...string) string {
	var out []string
	for _, p := range sortedParams(m) {
		for _, k := range m[p] {
			for _, want := range kinds {
				if k != want {
					continue
				}
				if d := docs[p]; d != "" {
					if r := []rune(d); len(r) > 40 {
						d = string(r[:39]) + "…"
					}
					p += " (" + strings.ReplaceAll(d, "|", "/") + ")"
				}
				out = append(out, p)
			}
		}
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, " ")
}

var paramRE = regexp.MustCompile(`^(KEYS|ARGV)\[(\d+|\*)\](.*)$`)

// sortedParams orders KEYS before ARGV, then by index.
func sortedParams(m map[string][]string) []string {
	var ps []string
	for p := range m {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool {
		a, b := paramRE.FindStringSubmatch(ps[i]), paramRE.FindStringSubmatch(ps[j])
		if a == nil || b == nil {
			return ps[i] < ps[j]
		}
		if a[1] != b[1] {
			return a[1] == "KEYS"
		}
		if len(a[2]) != len(b[2]) {
			return len(a[2]) < len(b[2])
		}
		if a[2] != b[2] {
			return a[2] < b[2]
		}
		return a[3] < b[3]
	})
	return ps
}

func orDash(xs []string) string {
	if len(xs) == 0 {
		return "-"
	}
	return strings.Join(xs, " ")
}

func vetText(m map[string]int) string {
	var out []string
	for _, k := range sortedKeys(mapKeys(m)) {
		out = append(out, fmt.Sprintf("%s×%d", k, m[k]))
	}
	return orDash(out)
}

func mapKeys(m map[string]int) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

func table(logf func(string, ...any), rows []row) {
	logf("| script | KEYS | ARGV | doc K/A | key = param | prefix → key | part of key | other keys | dynamic | calls (alias) | key fn params | libs | vet |")
	logf("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	var n struct {
		alias, prefixKeys, prefixArgv, part, argvKey, dynamic, cjson, cmsgpack, keyFns, docMismatch, vetClean int
		calls, aliasCalls, free, other                                                                        int
	}
	for _, r := range rows {
		sh := r.sh
		libs := strings.Join(sh.Libs, " ")
		logf("| %s | %d | %d | %d/%d | %s | %s | %s | %d | %s | %d (%d) | %d | %s | %s |",
			r.name, r.keys, r.args, r.docKeys, r.docArg,
			joinUse(sh.KeyUse, nil, "key"), joinUse(sh.KeyUse, r.docs, "prefix"), joinUse(sh.KeyUse, nil, "part"),
			sh.OtherKeys, orDash(sh.Dynamic), sh.RedisCalls, sh.AliasCalls, len(sh.KeyFunctions), orDash(sh.Libs), vetText(r.vet))
		n.calls += sh.RedisCalls
		if sh.OtherKeys > 0 {
			n.other++
		}
		n.aliasCalls += sh.AliasCalls
		if len(sh.Free) > 0 {
			n.free++
		}
		if len(sh.Aliases) > 0 {
			n.alias++
		}
		pk, pa, argvKey := false, false, false
		for p, kinds := range sh.KeyUse {
			for _, k := range kinds {
				switch {
				case k == "prefix" && strings.HasPrefix(p, "KEYS"):
					pk = true
				case k == "prefix":
					pa = true
				case k == "key" && strings.HasPrefix(p, "ARGV"):
					argvKey = true
				}
			}
		}
		if pk {
			n.prefixKeys++
		}
		if pa {
			n.prefixArgv++
		}
		if argvKey {
			n.argvKey++
		}
		if joinUse(sh.KeyUse, nil, "part") != "-" {
			n.part++
		}
		if len(sh.Dynamic) > 0 {
			n.dynamic++
		}
		if strings.Contains(libs, "cjson") {
			n.cjson++
		}
		if strings.Contains(libs, "cmsgpack") {
			n.cmsgpack++
		}
		if len(sh.KeyFunctions) > 0 {
			n.keyFns++
		}
		if r.docKeys != maxInt(sh.Keys) || r.docArg != maxInt(sh.Args) {
			n.docMismatch++
		}
		if len(r.vet) == 0 {
			n.vetClean++
		}
	}
	logf("\nOf %d: %d use a redis.call alias; keys built with a KEYS param as prefix: %d, with an ARGV param (or a field decoded from one) as prefix: %d;"+
		" a param inside a built key: %d; an ARGV param used as a key as is: %d; dynamic KEYS/ARGV: %d; cjson: %d; cmsgpack: %d;"+
		" functions passing a parameter as a key: %d; documented KEYS/ARGV counts differ from the highest index read: %d; vet clean with a plain header: %d"+
		" (a header of keys only: no prefix: true, which TestCorpusGenerate's headers add; %d of %d calls go through an alias); free names: %d; with keys not built from params (replies): %d.",
		len(rows), n.alias, n.prefixKeys, n.prefixArgv, n.part, n.argvKey, n.dynamic, n.cjson, n.cmsgpack, n.keyFns, n.docMismatch, n.vetClean,
		n.aliasCalls, n.calls, n.free, n.other)
}

func includeTable(logf func(string, ...any), rows []row) {
	logf("| include | KEYS read | ARGV read | functions | parameters that reach a key | calls (alias) | libs | free names |")
	logf("|---|---|---|---|---|---|---|---|")
	free, keyFns := 0, 0
	params := map[string]bool{}
	for _, r := range rows {
		sh := r.sh
		logf("| %s | %v | %v | %d | %s | %d (%d) | %s | %s |", r.name, sh.Keys, sh.Args, sh.Functions,
			orDash(sh.KeyFunctions), sh.RedisCalls, sh.AliasCalls, orDash(sh.Libs), orDash(sh.Free))
		if len(sh.Free) > 0 {
			free++
		}
		if len(sh.KeyFunctions) > 0 {
			keyFns++
		}
		for _, p := range sh.KeyFunctions {
			params[p] = true
		}
	}
	logf("\nOf %d includes: %d read names they do not bind (the including command's locals); %d define functions with parameters that reach a key (%d distinct function parameters in all).",
		len(rows), free, keyFns, len(params))
}

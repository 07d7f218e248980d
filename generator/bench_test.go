package generator

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkGenerate1000 reads, checks and renders 1,000 synthetic scripts of
// about 30 lines each and writes the result, as `luagen generate` does on a
// large repository. Target: well under 1s per op on a 2-core machine.
func BenchmarkGenerate1000(b *testing.B) {
	dir := b.TempDir()
	writeSynthetic(b, dir, 1000)
	cfg := filepath.Join(dir, "luagen.yaml")
	var files int
	for b.Loop() {
		proj, diags := Load(cfg)
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		out, err := Generate(proj)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Write(proj, out, WriteOptions{}); err != nil {
			b.Fatal(err)
		}
		files = len(out)
	}
	b.ReportMetric(float64(files), "files")
}

// BenchmarkLoad1000 is the loading share of BenchmarkGenerate1000: reading,
// parsing, checking and vetting the same 1,000 scripts, without rendering.
func BenchmarkLoad1000(b *testing.B) {
	dir := b.TempDir()
	writeSynthetic(b, dir, 1000)
	cfg := filepath.Join(dir, "luagen.yaml")
	for b.Loop() {
		if _, diags := Load(cfg); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}

// writeSynthetic writes a module with n scripts over four packages, with a

// BenchmarkRender1000 is the rendering half of BenchmarkGenerate1000: the
// same scripts, loaded once, rendered to Go files in memory.
func BenchmarkRender1000(b *testing.B) {
	dir := b.TempDir()
	writeSynthetic(b, dir, 1000)
	proj, diags := Load(filepath.Join(dir, "luagen.yaml"))
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	var files int
	for b.Loop() {
		out, err := Generate(proj)
		if err != nil {
			b.Fatal(err)
		}
		files = len(out)
	}
	b.ReportMetric(float64(files), "files")
}

// writeSynthetic writes a module with n scripts over four packages, with a
// mix of arg and result types.
func writeSynthetic(tb testing.TB, dir string, n int) {
	tb.Helper()
	must := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/synthetic\n\ngo 1.26\n"), 0o644))
	var cfg strings.Builder
	cfg.WriteString("version: 1\npackages:\n")
	const pkgs = 4
	for p := range pkgs {
		fmt.Fprintf(&cfg, "  - name: p%d\n    scripts: scripts/p%d\n    out: gen/p%d\n    emit_interface: true\n", p, p, p)
		must(os.MkdirAll(filepath.Join(dir, "scripts", fmt.Sprintf("p%d", p)), 0o755))
	}
	must(os.WriteFile(filepath.Join(dir, "luagen.yaml"), []byte(cfg.String()), 0o644))
	for i := range n {
		src := fmt.Sprintf(`--[[luagen
doc: Synthetic script %[1]d takes tokens from a bucket and logs the attempt.
keys:
  - {name: bucket}
  - {name: log}
args:
  - {name: rate, type: float64}
  - {name: capacity, type: int64}
  - {name: now, type: time.Time}
  - {name: tags, type: string, variadic: true}
returns:
  type: struct
  fields:
    - {name: allowed, type: bool}
    - {name: remaining, type: int64}
    - {name: retry_after, type: time.Duration}
]]
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or capacity)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
for i = 4, #ARGV do
  redis.call('SADD', KEYS[2], ARGV[i])
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
return {allowed, tokens, math.ceil(1000 / rate)}
`, i)
		name := filepath.Join(dir, "scripts", fmt.Sprintf("p%d", i%pkgs), fmt.Sprintf("script_%04d.lua", i))
		must(os.WriteFile(name, []byte(src), 0o644))
	}
}

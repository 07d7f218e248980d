package config

import "testing"

// FuzzConfig feeds arbitrary text to Parse: it must never panic and must
// report findings against the config path. Seeds are in
// testdata/fuzz/FuzzConfig.
func FuzzConfig(f *testing.F) {
	f.Add([]byte("version: 1\npackages:\n  - {name: a, scripts: s, out: o}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, diags := Parse("luagen.yaml", data)
		for _, d := range diags {
			if d.File != "luagen.yaml" || d.Line < 0 || d.Col < 0 || d.Msg == "" || d.Check == "" {
				t.Fatalf("bad finding %+v", d)
			}
		}
		if diags.HasErrors() {
			return
		}
		if cfg == nil || cfg.Version != 1 || len(cfg.Packages) == 0 {
			t.Fatalf("config without errors: %+v", cfg)
		}
		for _, p := range cfg.Packages {
			if p.Name == "" || p.Scripts == "" || p.Out == "" {
				t.Fatalf("package without errors: %+v", p)
			}
		}
	})
}

package diag

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestStringAndJSON(t *testing.T) {
	l := List{
		{File: "a.lua", Line: 3, Col: 7, Severity: Error, Check: KeyNotFromKeys, Msg: "bad key"},
		{File: "a.lua", Line: 4, Col: 1, Severity: Warning, Check: DynamicKeysIndex, Msg: "computed"},
		{File: "luagen.yaml", Line: 2, Severity: Error, Check: ConfigYAML, Msg: "bad YAML"},
		{File: "luagen.yaml", Severity: Error, Check: ConfigFile, Msg: "not found"},
	}
	var got []string
	for _, d := range l {
		got = append(got, d.String())
	}
	want := []string{
		"a.lua:3:7: key-not-from-KEYS: bad key",
		"a.lua:4:1: dynamic-keys-index: warning: computed",
		"luagen.yaml:2: config-yaml: bad YAML",
		"luagen.yaml: config-file: not found",
	}
	if !slices.Equal(got, want) {
		t.Errorf("String:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var decoded []map[string]any
	if err := json.Unmarshal(l.JSON(), &decoded); err != nil {
		t.Fatal(err)
	}
	if len(decoded) != 4 || fmt.Sprint(decoded[1]) != "map[check:dynamic-keys-index col:1 file:a.lua line:4 message:computed severity:warning]" {
		t.Errorf("JSON: %v", decoded)
	}
	if got := string(List(nil).JSON()); got != "[]\n" {
		t.Errorf("JSON of no findings = %q, want []", got)
	}
}

// TestChecks keeps the list of checks usable as a reference: every name
// once, kebab-case (KEYS keeps its case, as Lua writes it), with a doc and
// a severity luagen.yaml can set unless it is locked.
func TestChecks(t *testing.T) {
	seen := map[Check]bool{}
	for _, c := range Checks {
		name := strings.ReplaceAll(string(c.Name), "KEYS", "keys")
		if seen[c.Name] || c.Doc == "" || name != strings.ToLower(name) || strings.Trim(name, "-") != name || strings.ContainsAny(name, " _") {
			t.Errorf("check %+v", c)
		}
		seen[c.Name] = true
		if got, ok := Lookup(string(c.Name)); !ok || got.Name != c.Name {
			t.Errorf("Lookup(%q) = %+v, %v", c.Name, got, ok)
		}
		// A check luagen.yaml cannot lower is an error nothing silences.
		if c.Locked != "" && (c.Severity != Error || c.Ignorable) || c.Severity == Off {
			t.Errorf("check %s: severity %s, ignorable %v, locked %q", c.Name, c.Severity, c.Ignorable, c.Locked)
		}
	}
	if _, ok := Lookup("no-such-check"); ok {
		t.Error("Lookup found an unknown check")
	}
}

func TestDidYouMean(t *testing.T) {
	if got := DidYouMean(Suggest("nmae", []string{"name"})); got != " (did you mean name?)" {
		t.Errorf("got %q", got)
	}
	if got := DidYouMean(""); got != "" {
		t.Errorf("no hint gave %q", got)
	}
	if got := SuggestAlias("descripton", []string{"doc"}, map[string]string{"description": "doc"}); got != "doc" {
		t.Errorf("alias hint %q", got)
	}
}

func TestLines(t *testing.T) {
	l := NewLines([]byte("ab\r\ncd\n\nef"))
	if string(l.LineText(1)) != "ab" || string(l.LineText(3)) != "" || string(l.LineText(4)) != "ef" || l.LineText(5) != nil {
		t.Errorf("lines %q %q", l.LineText(1), l.LineText(4))
	}
	if line, col := l.Pos(5); line != 2 || col != 2 {
		t.Errorf("Pos(5) = %d:%d", line, col)
	}
}

func TestVia(t *testing.T) {
	d := Errorf("s/inc/b.lua", 4, 2, "lua-syntax", "boom")
	d.Via = []Site{{"s/a.lua", 3}, {"s/inc/a.lua", 1}}
	if got, want := d.String(), "s/inc/b.lua:4:2: lua-syntax: boom (included from s/a.lua:3 → s/inc/a.lua:1)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	j := string(List{d}.JSON())
	if !strings.Contains(j, `"included_from": [`) || !strings.Contains(j, `"file": "s/a.lua",`) {
		t.Errorf("JSON:\n%s", j)
	}
	if strings.Contains(string(List{Errorf("a.lua", 1, 1, "goto", "x")}.JSON()), "included_from") {
		t.Error("JSON has included_from for a finding outside includes")
	}
	// The same finding reached from two scripts is reported once, under
	// the first; findings outside includes are all kept.
	e := d
	e.Via = []Site{{"s/b.lua", 7}, {"s/inc/a.lua", 1}}
	plain := Errorf("s/a.lua", 1, 1, "goto", "x")
	l := List{e, plain, d, plain}
	l.Sort()
	got := l.Dedup()
	if len(got) != 3 || got[2].Via[0].File != "s/a.lua" {
		t.Errorf("Dedup = %v", got)
	}
}

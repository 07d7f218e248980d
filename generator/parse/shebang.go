package parse

import (
	"strings"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/luasrc"
)

// shebangFlags are the flags Redis 7 accepts after "#!lua flags=".
var shebangFlags = []string{"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"}

// checkShebang validates the first line the way Redis does when it loads the
// script, so a typo fails at generate time instead of at the first call. It
// returns the declared flags.
func checkShebang(f *luasrc.File, line string) ([]string, diag.List) {
	var diags diag.List
	var flags []string
	for i, part := range fieldsWithCols(line) {
		switch {
		case i == 0:
			if part.text != "#!lua" {
				diags = append(diags, f.Errorf(1, part.col, diag.Shebang, "unknown script engine %q in the shebang; allowed: #!lua", part.text))
				return nil, diags
			}
		case strings.HasPrefix(part.text, "flags="):
			col := part.col + len("flags=")
			list := strings.TrimPrefix(part.text, "flags=")
			if list == "" {
				continue
			}
			for _, flag := range strings.Split(list, ",") {
				if contains(shebangFlags, flag) {
					flags = append(flags, flag)
				} else {
					diags = append(diags, f.Errorf(1, col, diag.Shebang, "unknown shebang flag %q; allowed: %s%s", flag, strings.Join(shebangFlags, ", "), diag.DidYouMean(diag.Suggest(flag, shebangFlags))))
				}
				col += len(flag) + 1
			}
		case strings.HasPrefix(part.text, "name="):
			diags = append(diags, f.Errorf(1, part.col, diag.Shebang, "%s is for Redis functions (FUNCTION LOAD), not scripts; allowed: flags=%s", part.text, strings.Join(shebangFlags, ",")))
		default:
			diags = append(diags, f.Errorf(1, part.col, diag.Shebang, "unknown shebang option %q; allowed: flags=%s", part.text, strings.Join(shebangFlags, ",")))
		}
	}
	return flags, diags
}

type word struct {
	text string
	col  int // 1-based byte column
}

// fieldsWithCols splits a line at spaces and tabs, keeping each word's column.
func fieldsWithCols(line string) []word {
	var out []word
	start := -1
	for i := 0; i <= len(line); i++ {
		blank := i == len(line) || line[i] == ' ' || line[i] == '\t' || line[i] == '\r'
		switch {
		case blank && start >= 0:
			out = append(out, word{line[start:i], start + 1})
			start = -1
		case !blank && start < 0:
			start = i
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

package diag

import (
	"sort"
	"strings"
)

// Suggest returns the option closest to word, for "did you mean" hints: an
// option equal to word ignoring case, else the nearest within two edits
// that changes at most half of word, so short words do not match
// everything. It returns "" when nothing is close. Ties go to the earlier
// option, so hints are deterministic.
func Suggest(word string, options []string) string {
	lw := strings.ToLower(word)
	best, bestDist := "", 3
	for _, o := range options {
		lo := strings.ToLower(o)
		if lo == lw {
			return o
		}
		d := editDistance(lw, lo)
		if d < bestDist && 2*d <= len(lw) {
			best, bestDist = o, d
		}
	}
	return best
}

// SuggestAlias is Suggest over options and the keys of aliases, common
// wrong words mapped to the option they mean, so near misses of an alias
// count too ("descripton" → "description" → doc).
func SuggestAlias(word string, options []string, aliases map[string]string) string {
	candidates := append([]string(nil), options...)
	for alias := range aliases {
		candidates = append(candidates, alias)
	}
	sort.Strings(candidates[len(options):]) // map order must not leak into hints
	hint := Suggest(word, candidates)
	if target, ok := aliases[hint]; ok {
		return target
	}
	return hint
}

// DidYouMean is the one way findings end with a hint: " (did you mean
// hint?)", or "" when there is no hint.
func DidYouMean(hint string) string {
	if hint == "" {
		return ""
	}
	return " (did you mean " + hint + "?)"
}

// editDistance is the Levenshtein distance between a and b in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

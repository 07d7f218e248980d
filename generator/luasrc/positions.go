package luasrc

import "sort"

// variableNames picks the name tokens that are variables: keywords, field
// names (t.x, t:x, {x = 1}) and labels left out. The walk meets them in
// the same order, which is how an IdentExpr, which knows only its line,
// finds its column.
func variableNames(tokens []Token) []int {
	out := make([]int, 0, len(tokens)/3)
	var brackets []string // open ( [ {
	for i, t := range tokens {
		switch t.Text {
		case "(", "[", "{":
			brackets = append(brackets, t.Text)
			continue
		case ")", "]", "}":
			if n := len(brackets); n > 0 {
				brackets = brackets[:n-1]
			}
			continue
		}
		if t.Kind != Name || Keywords[t.Text] {
			continue
		}
		prev, next := "", ""
		if i > 0 {
			prev = tokens[i-1].Text
		}
		if i+1 < len(tokens) {
			next = tokens[i+1].Text
		}
		inTable := len(brackets) > 0 && brackets[len(brackets)-1] == "{"
		switch {
		case prev == "." || prev == ":" || prev == "goto" || prev == "::":
		case inTable && next == "=" && (prev == "{" || prev == "," || prev == ";"):
		default:
			out = append(out, i)
		}
	}
	return out
}

// nameAt returns the index into tokens of the next variable name the walk
// meets, which must read name; line is its line when known, or the
// earliest line it may be on (exact false). It returns -1, and stays
// put, when the name is not where it should be.
func (w *walker) nameAt(name string, line int, exact bool) int {
	const window = 16 // how far a declared name may be from its statement's start
	tokens := w.file.Tokens
	from := w.cursor
	if exact {
		// Names on earlier lines cannot match; skip them in one step, so a
		// walk that lost its place does not rescan them at every name.
		from = max(from, sort.Search(len(w.names), func(k int) bool { return tokens[w.names[k]].Line >= line }))
	}
	for k := from; k < len(w.names); k++ {
		t := tokens[w.names[k]]
		if exact && t.Line > line || !exact && k >= from+window {
			break
		}
		if t.Text == name && (t.Line == line || !exact && t.Line >= line) {
			w.cursor = k + 1
			return w.names[k]
		}
	}
	return -1
}

// CallArgs returns the index into Tokens of the first token of each of the
// n arguments of the call whose callee starts at Tokens[i] and is a name
// with fields, as in f(...), redis.call(...) or r['call'](...). Entries
// are -1 where unknown.
func (f *File) CallArgs(i, n int) []int {
	out := make([]int, n)
	for k := range out {
		out[k] = -1
	}
	toks := f.Tokens
	if i < 0 || i >= len(toks) || toks[i].Kind != Name {
		return out
	}
	open := i + 1
	for open < len(toks) {
		if toks[open].Text == "." && open+1 < len(toks) && toks[open+1].Kind == Name {
			open += 2
			continue
		}
		if toks[open].Text != "[" {
			break
		}
		for depth := 0; open < len(toks); open++ {
			if t := toks[open].Text; t == "[" {
				depth++
			} else if t == "]" {
				if depth--; depth == 0 {
					break
				}
			}
		}
		open++
	}
	if open >= len(toks) {
		return out
	}
	switch t := toks[open]; {
	case t.Kind == String || t.Text == "{":
		if n > 0 {
			out[0] = open
		}
		return out
	case t.Text != "(":
		return out
	}
	depth, arg := 0, 0
	if open+1 < len(toks) && toks[open+1].Text != ")" && n > 0 {
		out[0] = open + 1
	}
	for k := open + 1; k < len(toks); k++ {
		switch toks[k].Text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			if depth == 0 {
				return out
			}
			depth--
		case ",":
			if depth == 0 {
				arg++
				if arg < n && k+1 < len(toks) {
					out[arg] = k + 1
				}
			}
		}
	}
	return out
}

package check

import (
	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/luasrc"
)

// reportAmbiguousCalls reports a "(" that starts a line right after an
// expression that could be called, as in
//
//	local x = f
//	(g or h)()
//
// Lua 5.1 refuses this ("ambiguous syntax (function call x new
// statement)"), and so does Redis, but gopher-lua only catches some cases.
// Names declared by local or function and the ")" of a parameter list
// cannot be called, so they do not count; "}" and strings are left out
// because telling f{...} from a table constructor needs a full parse, and a
// missed case only means Redis reports it instead.
func (b *body) reportAmbiguousCalls() map[int]bool {
	lines := map[int]bool{}
	toks := b.f.Tokens
	notCallable := make([]bool, len(toks)) // names that are declared, ")" of parameter lists
	var params []bool                      // open "(": whether it opens a parameter list
	inLocal, inFuncName, expectParams := false, false, false
	for i, t := range toks {
		switch {
		case t.Kind == luasrc.Name && t.Text == "local":
			inLocal = true
			continue
		case t.Kind == luasrc.Name && t.Text == "function":
			inLocal, inFuncName, expectParams = false, true, true
			continue
		case t.Kind == luasrc.Name && !luasrc.Keywords[t.Text] && (inLocal || inFuncName):
			notCallable[i] = true
			continue
		case (t.Text == "," && inLocal) || ((t.Text == "." || t.Text == ":") && inFuncName):
			continue
		case t.Text == "(":
			if i > 0 && t.Line > toks[i-1].EndLine && callable(toks, notCallable, i-1) {
				lines[t.Line] = true
				b.errorf(diag.LuaSyntax, t.Line, t.Col, "ambiguous syntax (function call x new statement) near \"(\"; end the previous statement with ; or join the lines")
			}
			params = append(params, expectParams)
		case t.Text == ")":
			if n := len(params); n > 0 {
				notCallable[i] = params[n-1]
				params = params[:n-1]
			}
		}
		inLocal, inFuncName, expectParams = false, false, false
	}
	return lines
}

// callable reports whether tokens[i] can end an expression that a
// following "(" would call.
func callable(toks []luasrc.Token, notCallable []bool, i int) bool {
	t := toks[i]
	switch {
	case notCallable[i]:
		return false
	case t.Kind == luasrc.Name:
		return !luasrc.Keywords[t.Text]
	default:
		return t.Text == ")" || t.Text == "]"
	}
}

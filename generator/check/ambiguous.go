package check

// luaKeywords are Lua 5.1's reserved words; goto is not one of them.
var luaKeywords = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true,
	"false": true, "for": true, "function": true, "if": true, "in": true, "local": true,
	"nil": true, "not": true, "or": true, "repeat": true, "return": true, "then": true,
	"true": true, "until": true, "while": true,
}

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
	toks := b.tokens
	notCallable := make([]bool, len(toks)) // names that are declared, ")" of parameter lists
	var params []bool                      // open "(": whether it opens a parameter list
	inLocal, inFuncName, expectParams := false, false, false
	for i, t := range toks {
		switch {
		case t.kind == tokName && t.text == "local":
			inLocal = true
			continue
		case t.kind == tokName && t.text == "function":
			inLocal, inFuncName, expectParams = false, true, true
			continue
		case t.kind == tokName && !luaKeywords[t.text] && (inLocal || inFuncName):
			notCallable[i] = true
			continue
		case (t.text == "," && inLocal) || ((t.text == "." || t.text == ":") && inFuncName):
			continue
		case t.text == "(":
			if i > 0 && t.line > toks[i-1].endLine && callable(toks, notCallable, i-1) {
				lines[t.line] = true
				b.errorf(Syntax, t.line, t.col, "ambiguous syntax (function call x new statement) near \"(\"; end the previous statement with ; or join the lines")
			}
			params = append(params, expectParams)
		case t.text == ")":
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
func callable(toks []token, notCallable []bool, i int) bool {
	t := toks[i]
	switch {
	case notCallable[i]:
		return false
	case t.kind == tokName:
		return !luaKeywords[t.text]
	default:
		return t.text == ")" || t.text == "]"
	}
}

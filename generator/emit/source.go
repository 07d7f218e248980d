package emit

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"
)

// sourceLit is the Go literal for a script's source. The source is sent to
// Redis byte for byte, so the literal must decode to exactly src.
//
// A raw string keeps the script readable in the generated file. It cannot
// hold a backquote, and the Go scanner drops carriage returns from raw
// strings and rejects NUL, a BOM and invalid UTF-8 anywhere, so such sources
// become interpreted literals instead: one quoted piece per source line,
// joined with + inside parentheses, so a CRLF script stays readable too.
func sourceLit(src string) *jen.Statement {
	if rawSafe(src) {
		return jen.Op("`" + src + "`")
	}
	pieces := splitAfterNewline(src)
	if len(pieces) == 1 {
		return jen.Op(strconv.Quote(pieces[0]))
	}
	// The parentheses end the continuation: without them gofmt indents the
	// next declaration's doc comment as if it still belonged to the sum.
	sum := jen.Null()
	for i, piece := range pieces {
		if i > 0 {
			sum.Op("+").Line()
		}
		sum.Op(strconv.Quote(piece))
	}
	return jen.Parens(sum)
}

func rawSafe(src string) bool {
	// The BOM is looked for apart: with only ASCII bytes to find,
	// ContainsAny takes its fast path, where a rune in the set makes it
	// compare every rune of src with every rune of the set.
	return utf8.ValidString(src) && !strings.ContainsAny(src, "`\r\x00") && !strings.Contains(src, "\uFEFF")
}

// splitAfterNewline splits s after each "\n"; it always returns at least one
// piece so an empty source still yields "".
func splitAfterNewline(s string) []string {
	pieces := strings.SplitAfter(s, "\n")
	if len(pieces) > 1 && pieces[len(pieces)-1] == "" {
		pieces = pieces[:len(pieces)-1]
	}
	return pieces
}

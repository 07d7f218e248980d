package luasrc

import (
	"strings"
	"testing"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// TestOperandsOrder walks operators and table constructors with operands
// alone and checks every name is reached, in source order, and that names,
// calls and literals are not operator expressions.
func TestOperandsOrder(t *testing.T) {
	stmts, err := parse.Parse(strings.NewReader("return a + -b .. c, not d == #e, {f, [g] = h and i or j}"), "t")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var walk func(ast.Expr)
	walk = func(e ast.Expr) {
		if id, ok := e.(*ast.IdentExpr); ok {
			names = append(names, id.Value)
			return
		}
		operands(e, walk)
	}
	for _, e := range stmts[0].(*ast.ReturnStmt).Exprs {
		walk(e)
	}
	if got := strings.Join(names, " "); got != "a b c d e f g h i j" {
		t.Errorf("names %q", got)
	}
	for _, e := range []ast.Expr{&ast.IdentExpr{}, &ast.NumberExpr{}, &ast.FuncCallExpr{}, &ast.FunctionExpr{}, nil} {
		if operands(e, func(ast.Expr) { t.Errorf("operand of %T", e) }) {
			t.Errorf("%T reported as an operator expression", e)
		}
	}
}

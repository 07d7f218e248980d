package luasrc

import "github.com/yuin/gopher-lua/ast"

// operands calls f on each operand of an operator expression, and on each
// key and value of a table constructor, in source order, and reports
// whether e was one of those; the walk handles names, indexing, calls and
// functions itself.
func operands(e ast.Expr, f func(ast.Expr)) bool {
	switch e := e.(type) {
	case *ast.LogicalOpExpr:
		f(e.Lhs)
		f(e.Rhs)
	case *ast.RelationalOpExpr:
		f(e.Lhs)
		f(e.Rhs)
	case *ast.StringConcatOpExpr:
		f(e.Lhs)
		f(e.Rhs)
	case *ast.ArithmeticOpExpr:
		f(e.Lhs)
		f(e.Rhs)
	case *ast.UnaryMinusOpExpr:
		f(e.Expr)
	case *ast.UnaryNotOpExpr:
		f(e.Expr)
	case *ast.UnaryLenOpExpr:
		f(e.Expr)
	case *ast.TableExpr:
		for _, fl := range e.Fields {
			if fl != nil {
				f(fl.Key)
				f(fl.Value)
			}
		}
	default:
		return false
	}
	return true
}

package check

import (
	"github.com/yuin/gopher-lua/ast"

	"github.com/luagen/luagen/generator/luaast"
)

// use is one read of KEYS or ARGV with a literal index, such as KEYS[2].
type use struct {
	table string  // "KEYS" or "ARGV"
	index float64 // the literal index; may be fractional or below 1
	text  string  // the index as written, for messages ("2", "-1", "0x3")
	line  int
}

// uses is everything the body does with KEYS and ARGV.
type uses struct {
	literal []use
	// dynamic is set for a table the body uses other than through a
	// literal index (KEYS[i], #ARGV, unpack(KEYS), local k = KEYS), after
	// which any of its params may be read.
	dynamic map[string]bool
}

func collectUses(stmts []ast.Stmt) *uses {
	u := &uses{dynamic: map[string]bool{}}
	u.stmts(stmts)
	return u
}

func (u *uses) stmts(list []ast.Stmt) {
	for _, s := range list {
		u.stmt(s)
	}
}

// stmt visits every statement kind of gopher-lua's AST, children in source
// order, so uses on one line come out in the order they are written.
func (u *uses) stmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.AssignStmt:
		u.exprs(s.Lhs)
		u.exprs(s.Rhs)
	case *ast.LocalAssignStmt:
		u.exprs(s.Exprs)
	case *ast.FuncCallStmt:
		u.expr(s.Expr)
	case *ast.DoBlockStmt:
		u.stmts(s.Stmts)
	case *ast.WhileStmt:
		u.expr(s.Condition)
		u.stmts(s.Stmts)
	case *ast.RepeatStmt:
		u.stmts(s.Stmts)
		u.expr(s.Condition)
	case *ast.IfStmt:
		u.expr(s.Condition)
		u.stmts(s.Then)
		u.stmts(s.Else)
	case *ast.NumberForStmt:
		u.expr(s.Init)
		u.expr(s.Limit)
		u.expr(s.Step)
		u.stmts(s.Stmts)
	case *ast.GenericForStmt:
		u.exprs(s.Exprs)
		u.stmts(s.Stmts)
	case *ast.FuncDefStmt:
		if s.Name != nil {
			u.expr(s.Name.Func)
			u.expr(s.Name.Receiver)
		}
		if s.Func != nil {
			u.expr(s.Func)
		}
	case *ast.ReturnStmt:
		u.exprs(s.Exprs)
	case *ast.BreakStmt, *ast.LabelStmt, *ast.GotoStmt, nil:
	}
}

func (u *uses) exprs(list []ast.Expr) {
	for _, e := range list {
		u.expr(e)
	}
}

func (u *uses) expr(e ast.Expr) {
	switch e := e.(type) {
	case nil:
	case *ast.IdentExpr:
		if isTable(e.Value) {
			u.dynamic[e.Value] = true
		}
	case *ast.AttrGetExpr:
		if id, ok := e.Object.(*ast.IdentExpr); ok && isTable(id.Value) {
			if v, text, ok := literalIndex(e.Key); ok {
				u.literal = append(u.literal, use{table: id.Value, index: v, text: text, line: id.Line()})
				return
			}
			u.dynamic[id.Value] = true
			u.expr(e.Key)
			return
		}
		u.expr(e.Object)
		u.expr(e.Key)
	case *ast.FuncCallExpr:
		u.expr(e.Func)
		u.expr(e.Receiver)
		u.exprs(e.Args)
	case *ast.FunctionExpr:
		u.stmts(e.Stmts)
	default:
		luaast.Operands(e, u.expr) // operators and table constructors; literals have none
	}
}

func isTable(name string) bool { return name == "KEYS" || name == "ARGV" }

// literalIndex evaluates an index written as a number, possibly negated.
func literalIndex(e ast.Expr) (float64, string, bool) {
	switch e := e.(type) {
	case *ast.NumberExpr:
		v, ok := luaast.Number(e.Value)
		return v, e.Value, ok
	case *ast.UnaryMinusOpExpr:
		if n, ok := e.Expr.(*ast.NumberExpr); ok {
			v, ok := luaast.Number(n.Value)
			return -v, "-" + n.Value, ok
		}
	}
	return 0, "", false
}

package vet

import (
	"github.com/yuin/gopher-lua/ast"

	"github.com/luagen/luagen/generator/luasrc"
)

// Command describes, from Redis's command table, a redis.call whose
// arguments are args (args[0] the command name), for luagen annotate:
// known is false when the name (or subcommand) is not a literal or not a
// command the table has; writes says the command writes or may replicate,
// which Redis refuses in a read-only script; keys are the indexes into
// args of its key arguments.
func Command(args []ast.Expr) (known, writes bool, keys []int) {
	if len(args) == 0 {
		return false, false, nil
	}
	name, ok := args[0].(*ast.StringExpr)
	if !ok {
		return false, false, nil
	}
	cmd := commands().lookup(name.Value)
	if cmd == nil {
		return false, false, nil
	}
	n := len(args)
	if len(cmd.Subcommands) > 0 {
		sub, ok := literal(at(args, 1))
		if cmd = cmd.subcommand(sub); !ok || cmd == nil {
			return false, false, nil
		}
	}
	w := words{n: n, open: n > 1 && luasrc.MultiValued(args[n-1]), literal: func(i int) (string, bool) { return literal(args[i]) }}
	return true, cmd.has("write") || cmd.has("may_replicate"), cmd.keyPositions(w)
}

func at(args []ast.Expr, i int) ast.Expr {
	if i < len(args) {
		return args[i]
	}
	return nil
}

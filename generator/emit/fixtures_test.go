package emit

import (
	"github.com/luagen/luagen/generator/model"
)

const takeTokensLua = `--[[luagen
doc: Takes n tokens from a bucket; reports whether it was allowed and what is left.
keys:
  - name: bucket
  - name: log
args:
  - {name: rate, type: float64}
  - {name: capacity, type: int64}
  - {name: now, type: time.Time}
returns:
  type: struct
  fields:
    - {name: allowed, type: bool}
    - {name: remaining, type: int64}
    - {name: retry_after, type: time.Duration}
]]
return {1, 2, 3}
`

func key(name string) model.Param {
	return model.Param{Name: name, GoName: name, Type: model.TypeString, Pos: model.Pos{Line: 3, Col: 5}}
}

func arg(name string, t model.Type) model.Param {
	return model.Param{Name: name, GoName: name, Type: t, Pos: model.Pos{Line: 6, Col: 5}}
}

func takeTokens() *model.Script {
	return &model.Script{
		File:   "scripts/limiter/take_tokens.lua",
		Source: takeTokensLua,
		Name:   "take_tokens",
		GoName: "TakeTokens",
		Doc:    "Takes n tokens from a bucket; reports whether it was allowed and what is left.",
		Keys:   []model.Param{key("bucket"), key("log")},
		Args:   []model.Param{arg("rate", model.TypeFloat64), arg("capacity", model.TypeInt64), arg("now", model.TypeTime)},
		Result: model.Result{
			Type:       model.TypeStruct,
			StructName: "TakeTokensResult",
			Fields: []model.Field{
				{Name: "allowed", GoName: "Allowed", Type: model.TypeBool},
				{Name: "remaining", GoName: "Remaining", Type: model.TypeInt64},
				{Name: "retry_after", GoName: "RetryAfter", Type: model.TypeDuration},
			},
		},
		HeaderLine: 1,
	}
}

func limiter(scripts ...*model.Script) *model.Package {
	return &model.Package{Name: "limiter", Scripts: "scripts/limiter", Out: "internal/limiter", EmitInterface: true, Files: scripts}
}

func script(goName string, keys []model.Param, args []model.Param, result model.Result) *model.Script {
	file := "scripts/limiter/" + goName + ".lua"
	return &model.Script{
		File: file, Source: "return 1\n", Name: goName, GoName: goName,
		Keys: keys, Args: args, Result: result, HeaderLine: 1,
	}
}

func variadic(p model.Param) model.Param {
	p.Variadic = true
	return p
}

// allShapes is a package exercising every arg type, every result type and
// every variadic layout, plus parameter names that collide with what the
// generated code uses.
func allShapes() *model.Package {
	var scripts []*model.Script
	var args []model.Param
	for _, t := range model.ArgTypes {
		n := "a" + string(rune('A'+len(args)))
		args = append(args, arg(n, t))
	}
	scripts = append(scripts, script("AllArgs", []model.Param{key("k")}, args, model.Result{Type: model.TypeNone}))
	for i, t := range model.ResultTypes {
		if t == model.TypeStruct {
			continue
		}
		name := "Result" + string(rune('A'+i))
		scripts = append(scripts, script(name, nil, nil, model.Result{Type: t}))
		scripts = append(scripts, script("Nullable"+name, nil, nil, model.Result{Type: t, Nullable: true}))
	}
	var fields []model.Field
	for i, t := range model.FieldTypes {
		n := "F" + string(rune('A'+i))
		fields = append(fields, model.Field{Name: "f_" + n, GoName: n, Type: t, Doc: "Field " + n + "."})
		fields = append(fields, model.Field{Name: "n_" + n, GoName: "N" + n, Type: t, Nullable: true})
	}
	st := model.Result{Type: model.TypeStruct, StructName: "StructResult", Fields: fields, Doc: "Everything at once."}
	scripts = append(scripts, script("Struct", nil, nil, st))
	nst := st
	nst.Nullable, nst.StructName = true, "MaybeStructResult"
	scripts = append(scripts, script("MaybeStruct", nil, nil, nst))

	k2 := []model.Param{key("first"), variadic(key("rest"))}
	scripts = append(scripts,
		script("OnlyVarKeys", []model.Param{variadic(key("ks"))}, nil, model.Result{Type: model.TypeInt64}),
		script("VarKeysNoArgs", k2, nil, model.Result{Type: model.TypeInt64}),
		script("VarKeysThenArgs", k2, []model.Param{arg("n", model.TypeInt)}, model.Result{Type: model.TypeInt64}),
		script("VarKeysVarArgs", k2, []model.Param{arg("n", model.TypeInt), variadic(arg("vals", model.TypeFloat64))}, model.Result{Type: model.TypeNone}),
		script("OnlyVarStrings", nil, []model.Param{variadic(arg("vals", model.TypeString))}, model.Result{Type: model.TypeNone}),
		script("VarStringsAfter", nil, []model.Param{arg("x", model.TypeJSON), variadic(arg("vals", model.TypeString))}, model.Result{Type: model.TypeString}),
		script("VarJSON", nil, []model.Param{arg("x", model.TypeJSON), variadic(arg("docs", model.TypeJSON))}, model.Result{Type: model.TypeNone, Nullable: true}),
		script("VarBytes", []model.Param{variadic(key("ks"))}, []model.Param{variadic(arg("blobs", model.TypeBytes))}, model.Result{Type: model.TypeStrings}),
	)

	var clash []model.Param
	for _, n := range append(append([]string{}, methodNames...), "f", "m", "r", "v", "keys", "args", "enc", "string", "nil", "len", "any", "resultAScript", "decodeStructResult") {
		clash = append(clash, model.Param{Name: n, GoName: n, Type: model.TypeString})
	}
	clashArgs := []model.Param{arg("xJSON", model.TypeString), arg("x", model.TypeJSON), arg("ctxArg", model.TypeInt)}
	scripts = append(scripts, script("Clash", clash, clashArgs, model.Result{Type: model.TypeTime}))
	// Parameters named like the locals variadic params need.
	scripts = append(scripts, script("ClashLocals",
		[]model.Param{key("keys"), variadic(key("rest"))},
		[]model.Param{arg("args", model.TypeString), arg("v", model.TypeInt), arg("enc", model.TypeJSON), variadic(arg("docs", model.TypeJSON))},
		model.Result{Type: model.TypeRaw}))
	ro := script("ReadOnly", []model.Param{key("k")}, nil, model.Result{Type: model.TypeString, Doc: "the value."})
	ro.ReadOnly = true
	ro.Doc = "HTTP get of a key.\n\nSecond paragraph with */ and /* inside."
	scripts = append(scripts, ro)
	return &model.Package{Name: "shapes", Scripts: "scripts/*.lua", Out: "shapes", EmitInterface: true, Files: scripts}
}

// longNames is a package whose names, paths and docs are long enough that
// every construct of the generated code has to break its lines.
func longNames() *model.Package {
	s := script("ReconcileWarehouseInventoryReservations",
		[]model.Param{key("warehouse_inventory_counter"), key("reservation_ledger_stream"), variadic(key("additional_stock_keys"))},
		[]model.Param{
			arg("reservation_expiry_timeout", model.TypeDuration), arg("requested_quantity_per_item", model.TypeInt64),
			arg("client_supplied_metadata_document", model.TypeJSON), variadic(arg("item_identifiers_to_reserve", model.TypeJSON)),
		},
		model.Result{
			Type: model.TypeStruct, StructName: "ReconcileWarehouseInventoryReservationsOutcome", Nullable: true,
			Doc: "What happened to every reservation, with a description long enough that it has to be wrapped over two lines.",
			Fields: []model.Field{
				{Name: "reservations_that_were_accepted_by_the_ledger", GoName: "ReservationsThatWereAcceptedByTheLedger", Type: model.TypeStringMap, Nullable: true},
				{Name: "number_of_items_that_could_not_be_reserved_at_all", GoName: "NumberOfItemsThatCouldNotBeReservedAtAll", Type: model.TypeInt64, Nullable: true,
					Doc: "Counted over every warehouse the reservation touched, including the ones that were drained while the call ran."},
				{Name: "time_until_the_next_reconciliation_may_run_again", GoName: "TimeUntilTheNextReconciliationMayRunAgain", Type: model.TypeDuration},
			},
		})
	s.File = "scripts/limiter/with/a/deeply/nested/folder/of/lua/scripts/reconcile_warehouse_inventory_reservations.lua"
	s.Doc = "Reconciles the reservations of one warehouse against its inventory counter and its ledger stream, so that no item is sold twice.\n\n" +
		"It works in three steps:\n  - reads every counter named by the keys, the fixed ones first and the additional ones after them, in the order given\n  - writes the ledger\n\n" +
		"\tlocal x = redis.call('GET', KEYS[1])"
	s.Keys[0].Doc = "the counter of the warehouse, a hash of item identifiers to the quantity in stock right now, which the script decrements"
	none := script("ReconcileWarehouseInventoryReservationsWithoutAnyResultAtAll", s.Keys, s.Args, model.Result{Type: model.TypeNone})
	none.File = "scripts/limiter/reconcile_without_result.lua"
	pkg := limiter(s, none)
	pkg.Scripts = "scripts/limiter/with/a/deeply/nested/folder/of/lua/scripts/and/a/glob/that/goes/on/**/*.lua"
	return pkg
}

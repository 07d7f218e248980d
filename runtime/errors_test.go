package runtime_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
)

func TestCrossSlotSendsNothing(t *testing.T) {
	cl := redistest.Cluster(t)
	ctx := ctxT(t)
	r := runtime.New(newClient(t, cl.Addrs()...))
	ledger := newScript("ledger", ledgerBody, false)
	before := evalshaCalls(t, cl.Nodes())

	_, err := luagenimpl.Call(ctx, r, ledger, []string{"a", "b"}, []string{"1"}, luagenimpl.DecodeInt64)
	var cs *runtime.CrossSlotError
	if !errors.As(err, &cs) {
		t.Fatalf("Call = %v, want *CrossSlotError", err)
	}
	if cs.Script != "ledger" || len(cs.Keys) != 2 || cs.Slots[0] != luagenimpl.Slot("a") || cs.Slots[1] != luagenimpl.Slot("b") {
		t.Fatalf("CrossSlotError = %+v", cs)
	}
	if !strings.Contains(err.Error(), `"a" (slot 15495)`) || !strings.Contains(err.Error(), "hash tag") {
		t.Fatalf("message %q lacks keys, slots or advice", err)
	}

	b := r.NewBatch()
	bad := luagenimpl.Queue(b, ledger, []string{"a", "b"}, []string{"1"}, luagenimpl.DecodeInt64)
	good := luagenimpl.Queue(b, ledger, []string{"{x}a", "{x}b"}, []string{"1"}, luagenimpl.DecodeInt64)
	if err := b.Exec(ctx); err == nil {
		t.Fatal("Exec = nil, want a *BatchError for the cross-slot call")
	}
	if _, err := bad.Get(); !errors.As(err, &cs) {
		t.Fatalf("cross-slot future = %v", err)
	}
	if _, err := good.Get(); err != nil {
		t.Fatalf("good call in the same batch: %v", err)
	}
	// Only the good call reached Redis (as EVALSHA, maybe twice around a NOSCRIPT).
	if got := evalshaCalls(t, cl.Nodes()) - before; got < 1 || got > 2 {
		t.Fatalf("EVALSHA calls = %d, want 1 or 2 (only the good call)", got)
	}
}

func evalshaCalls(t *testing.T, nodes []*redistest.Server) int64 {
	t.Helper()
	var n int64
	for _, s := range nodes {
		st, err := redistest.CommandStats(s)
		if err != nil {
			t.Fatal(err)
		}
		n += st["evalsha"]
	}
	return n
}

func TestScriptErrorNamesFileAndLine(t *testing.T) {
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			r := runtime.New(d.client)
			// newScript adds one comment line: the failing call is on line 4.
			s := newScript("boom", "local a = 1\nlocal b = 2\nreturn redis.call('INCR', KEYS[1], 'extra')", false)
			_, err := luagenimpl.Call(ctx, r, s, []string{"boom"}, nil, luagenimpl.DecodeInt64)
			var se *runtime.ScriptError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v (%T), want *ScriptError", err, err)
			}
			if se.Script != "boom" || se.File != "scripts/boom.lua" || se.Line != 4 {
				t.Fatalf("ScriptError = %+v, want boom at scripts/boom.lua:4", se)
			}
			if !strings.Contains(se.Error(), "scripts/boom.lua:4") {
				t.Fatalf("message %q lacks file:line", se)
			}

			// error_reply has no line; its code is kept.
			s2 := newScript("refuse", "return redis.error_reply('LIMIT too many')", false)
			b := r.NewBatch()
			f := luagenimpl.Queue(b, s2, []string{"k"}, nil, luagenimpl.DecodeInt64)
			if err := b.Exec(ctx); err == nil {
				t.Fatal("Exec = nil, want error")
			}
			if _, err := f.Get(); !errors.As(err, &se) || se.Code != "LIMIT" {
				t.Fatalf("future err = %v, want *ScriptError with code LIMIT", err)
			}
		})
	}
}

// TestWrongShape returns every shape to decoders that do not accept it: each
// is an error on that call only, never a panic.
func TestWrongShape(t *testing.T) {
	for _, d := range deployments(t) {
		t.Run(d.name, func(t *testing.T) {
			ctx := ctxT(t)
			r := runtime.New(d.client)
			shapes := newScript("shapes", `local k = ARGV[1]
if k == 'int' then return 7 end
if k == 'str' then return 'text' end
if k == 'nil' then return nil end
if k == 'arr' then return {1, 'two', {3}} end
if k == 'odd' then return {'a', 'b', 'c'} end
if k == 'status' then return redis.status_reply('FINE') end
if k == 'float' then return tostring(2.5) end
return {}`, false)
			kinds := []string{"int", "str", "nil", "arr", "odd", "status", "float", "empty"}
			type decodeCase struct {
				name string
				get  func(b *runtime.Batch, kind string) func() (any, error)
			}
			wrap := func(dec func(*runtime.Batch, string) func() (any, error)) func(*runtime.Batch, string) func() (any, error) {
				return dec
			}
			queue := func(dec any) func(*runtime.Batch, string) func() (any, error) {
				return func(b *runtime.Batch, kind string) func() (any, error) {
					keys, args := []string{"shape"}, []string{kind}
					switch dec := dec.(type) {
					case luagenimpl.Decoder[int64]:
						f := luagenimpl.Queue(b, shapes, keys, args, dec)
						return func() (any, error) { return f.Get() }
					case luagenimpl.Decoder[string]:
						f := luagenimpl.Queue(b, shapes, keys, args, dec)
						return func() (any, error) { return f.Get() }
					case luagenimpl.Decoder[bool]:
						f := luagenimpl.Queue(b, shapes, keys, args, dec)
						return func() (any, error) { return f.Get() }
					case luagenimpl.Decoder[float64]:
						f := luagenimpl.Queue(b, shapes, keys, args, dec)
						return func() (any, error) { return f.Get() }
					case luagenimpl.Decoder[[]string]:
						f := luagenimpl.Queue(b, shapes, keys, args, dec)
						return func() (any, error) { return f.Get() }
					case luagenimpl.Decoder[[]int64]:
						f := luagenimpl.Queue(b, shapes, keys, args, dec)
						return func() (any, error) { return f.Get() }
					case luagenimpl.Decoder[map[string]string]:
						f := luagenimpl.Queue(b, shapes, keys, args, dec)
						return func() (any, error) { return f.Get() }
					}
					panic("unhandled decoder type")
				}
			}
			cases := []decodeCase{
				{"int64", wrap(queue(luagenimpl.Decoder[int64](luagenimpl.DecodeInt64)))},
				{"string", wrap(queue(luagenimpl.Decoder[string](luagenimpl.DecodeString)))},
				{"bool", wrap(queue(luagenimpl.Decoder[bool](luagenimpl.DecodeBool)))},
				{"float64", wrap(queue(luagenimpl.Decoder[float64](luagenimpl.DecodeFloat64)))},
				{"[]string", wrap(queue(luagenimpl.Decoder[[]string](luagenimpl.DecodeStrings)))},
				{"[]int64", wrap(queue(luagenimpl.Decoder[[]int64](luagenimpl.DecodeInt64s)))},
				{"map", wrap(queue(luagenimpl.Decoder[map[string]string](luagenimpl.DecodeStringMap)))},
			}
			// Which (decoder, reply) pairs must succeed; all others must fail
			// with a *ReplyError.
			ok := map[string]bool{
				"int64/int": true, "string/int": true, "string/str": true, "string/status": true, "string/float": true,
				"bool/int": true, "bool/nil": true, "float64/int": true, "float64/float": true,
				"[]string/nil": true, "[]string/empty": true, "[]string/odd": true, "[]int64/nil": true, "[]int64/empty": true,
				"map/nil": true, "map/empty": true,
			}
			b := r.NewBatch()
			gets := map[string]func() (any, error){}
			for _, c := range cases {
				for _, k := range kinds {
					gets[c.name+"/"+k] = c.get(b, k)
				}
			}
			_ = b.Exec(ctx) // shape errors are reported by Get, not Exec
			for name, get := range gets {
				v, err := get()
				var re *runtime.ReplyError
				switch {
				case ok[name] && err != nil:
					t.Errorf("%s: unexpected error %v", name, err)
				case !ok[name] && !errors.As(err, &re):
					t.Errorf("%s: got %v, %v; want *ReplyError", name, v, err)
				case !ok[name] && !strings.Contains(err.Error(), "shapes"):
					t.Errorf("%s: error %q does not name the script", name, err)
				}
			}
			// Values of the successful pairs.
			if v, _ := gets["float64/float"](); v != 2.5 {
				t.Errorf("float64/float = %v", v)
			}
			if v, _ := gets["string/int"](); v != strconv.Itoa(7) {
				t.Errorf("string/int = %v", v)
			}
		})
	}
}

// TestLoadCounts uses INFO commandstats to prove that the first batch loads
// each script at most once per node and that steady-state batches send no
// SCRIPT LOAD and no EVAL.
func TestLoadCounts(t *testing.T) {
	cl := redistest.NewCluster(t) // private: stats are reset
	ctx := ctxT(t)
	r := runtime.New(newClient(t, cl.Addrs()...))
	a := newScript("a", ledgerBody, false)
	b2 := newScript("b", "return redis.call('GET', KEYS[1])", true)
	nodes := cl.Nodes()
	for _, n := range nodes {
		if err := n.ResetStats(); err != nil {
			t.Fatal(err)
		}
	}
	run := func(round int) {
		b := r.NewBatch()
		for i := 0; i < 300; i++ {
			id := "lc" + strconv.Itoa(round) + ":" + strconv.Itoa(i)
			luagenimpl.Queue(b, a, []string{"{" + id + "}n", "{" + id + "}s"}, []string{"1"}, luagenimpl.DecodeInt64)
			luagenimpl.Queue(b, b2, []string{"{" + id + "}n"}, nil, luagenimpl.DecodeInt64)
		}
		if err := b.Exec(ctx); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	total := func(cmd string) (sum int64, max int64) {
		for _, n := range nodes {
			st, err := redistest.CommandStats(n)
			if err != nil {
				t.Fatal(err)
			}
			sum += st[cmd]
			if st[cmd] > max {
				max = st[cmd]
			}
		}
		return
	}
	run(0)
	loads, maxLoads := total("script|load")
	if maxLoads > 2 {
		t.Fatalf("first batch: a node got %d SCRIPT LOADs, want at most 2 (one per script)", maxLoads)
	}
	evals, _ := total("eval")
	evalros, _ := total("eval_ro")
	t.Logf("first batch: %d SCRIPT LOAD over %d nodes, %d EVAL, %d EVAL_RO", loads, len(nodes), evals, evalros)
	for round := 1; round <= 5; round++ {
		run(round)
	}
	loads2, _ := total("script|load")
	evals2, _ := total("eval")
	evalros2, _ := total("eval_ro")
	if loads2 != loads || evals2 != evals || evalros2 != evalros {
		t.Fatalf("steady state sent SCRIPT LOAD %d, EVAL %d, EVAL_RO %d more; want none", loads2-loads, evals2-evals, evalros2-evalros)
	}
}

package conformance

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/internal/rt"
)

// ledgerBody counts each call id once: a doubled call shows up as a count
// of 2, a lost one as 0.
const ledgerBody = `local n = redis.call('INCR', KEYS[1])
redis.call('INCRBY', KEYS[2], ARGV[1])
return n`

// SpinBody runs for ARGV[1] milliseconds without writing (so SCRIPT KILL
// can stop it): while it runs past busy-reply-threshold, Redis answers
// every other script call BUSY without running it.
const SpinBody = `local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local start = now()
while now() - start < tonumber(ARGV[1]) do end
return 1`

// SlowWriteBody writes first, then runs for ARGV[1] milliseconds: a write
// whose reply can be lost after it took effect.
const SlowWriteBody = `local n = redis.call('INCR', KEYS[1])
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local start = now()
while now() - start < tonumber(ARGV[1]) do end
return n`

// semEnv is a deployment the semantics suite runs on, with admin access to
// its nodes.
type semEnv struct {
	d      Deployment
	nodes  []*redistest.Server
	master func(key string) *redistest.Server // the master serving key
	cl     *redistest.RedisCluster            // nil on a standalone
}

// RunSemantics checks, on a private standalone server and a private
// 3-master/3-replica cluster, what both backends promise about what reaches
// Redis (counted by Redis itself, in INFO commandstats):
//
//   - EVALSHA first: Load sends one SCRIPT LOAD to every node, replicas
//     included; calls after it are EVALSHA only, never EVAL or SCRIPT LOAD.
//   - After SCRIPT FLUSH on every node, a single call recovers with one
//     SCRIPT LOAD on the node that answered NOSCRIPT and the call sent once
//     more; a batch across all slots with one more round trip and exactly
//     one SCRIPT LOAD per script on every master; never EVAL.
//   - A call whose keys are in different slots fails with *rt.CrossSlotError
//     and sends nothing; other calls of its batch run.
//   - A read-only script goes as EVALSHA_RO.
//   - An error reply names the script's file and line (*rt.ScriptError).
//
// and, on private standalone servers: replies that say a call did not run
// (BUSY, NOREPLICAS, READONLY) are retried until the call runs, once, and a
// call that never gets through was sent exactly 1+rt.RetryCap times, however
// many layers retry; a write whose connection drops while it runs is never
// sent again (its counter stays 1). On a Sentinel deployment, calls recover
// from SCRIPT FLUSH and follow a failover under load, no call running twice.
func RunSemantics(t *testing.T, b Backend) {
	sa := redistest.NewStandalone(t)
	cl := redistest.NewCluster(t)
	envs := []struct {
		name string
		e    semEnv
	}{
		{"standalone", semEnv{d: Deployment{Kind: Standalone, Addrs: []string{sa.Addr()}}, nodes: []*redistest.Server{sa}, master: func(string) *redistest.Server { return sa }}},
		{"cluster", semEnv{d: Deployment{Kind: Cluster, Addrs: cl.Addrs()}, nodes: cl.Nodes(), master: cl.MasterFor, cl: cl}},
	}
	for _, env := range envs {
		e := env.e
		t.Run(env.name, func(t *testing.T) {
			t.Run("EvalShaFirst", func(t *testing.T) { testEvalShaFirst(t, b, e) })
			t.Run("NoScriptSingleCall", func(t *testing.T) { testNoScriptSingle(t, b, e) })
			t.Run("NoScriptBatch", func(t *testing.T) { testNoScriptBatch(t, b, e) })
			t.Run("ReadOnly", func(t *testing.T) { testReadOnly(t, b, e) })
			t.Run("ScriptErrorLine", func(t *testing.T) { testScriptErrorLine(t, b, e) })
			if e.cl != nil {
				t.Run("CrossSlot", func(t *testing.T) { testCrossSlot(t, b, e) })
			}
		})
	}
	t.Run("Busy", func(t *testing.T) { testBusy(t, b) })
	t.Run("RetriedReplies", func(t *testing.T) { testRetriedReplies(t, b) })
	t.Run("DroppedConnection", func(t *testing.T) { testDroppedConnection(t, b) })
	t.Run("Sentinel", func(t *testing.T) { testSentinel(t, b) })
}

// recorder keeps what the hooks saw.
type recorder struct {
	mu      sync.Mutex
	calls   []rt.CallInfo
	batches []rt.BatchInfo
}

func (rec *recorder) hooks() rt.Hooks {
	return rt.Hooks{
		Call: func(_ context.Context, ci rt.CallInfo) {
			rec.mu.Lock()
			rec.calls = append(rec.calls, ci)
			rec.mu.Unlock()
		},
		Batch: func(_ context.Context, bi rt.BatchInfo) {
			rec.mu.Lock()
			rec.batches = append(rec.batches, bi)
			rec.mu.Unlock()
		},
	}
}

// take returns what was recorded since the last take.
func (rec *recorder) take() ([]rt.CallInfo, []rt.BatchInfo) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	c, b := rec.calls, rec.batches
	rec.calls, rec.batches = nil, nil
	return c, b
}

// waitTopology runs one-call batches until the runner knows which master
// serves which slot (its Batch hook then reports the batch's nodes): only
// then do its NOSCRIPT recoveries pipeline one SCRIPT LOAD per node.
func waitTopology(t *testing.T, r Runner, rec *recorder) {
	t.Helper()
	ctx := ctxT(t)
	echo := NewScript("echo", "return ARGV[1]", false)
	if err := r.Load(ctx, echo); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		if _, err := r.Batch(ctx, []Call{{Script: echo, Keys: []string{"k"}, Args: []string{"x"}, Decode: String}}); err != nil {
			t.Fatal(err)
		}
		_, bs := rec.take()
		if len(bs) == 1 && bs[0].Nodes > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the runner never read the cluster's topology (Batch hooks: %+v)", bs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ledgerCalls is a batch of n ledger calls of s spread over n hash tags
// (so, on a cluster, over every master), adding 1.
func ledgerCalls(s *rt.Script, p string, n int) []Call {
	calls := make([]Call, n)
	for i := range calls {
		id := p + strconv.Itoa(i)
		calls[i] = Call{Script: s, Keys: []string{"{" + id + "}" + s.Name(), "{" + id + "}sum"}, Args: []string{"1"}, Decode: Int64}
	}
	return calls
}

// checkAll fails t unless every result is want.
func checkAll(t *testing.T, what string, res []Result, want int64) {
	t.Helper()
	for i, r := range res {
		if r.Err != nil || r.Int() != want {
			t.Fatalf("%s call %d = %v, %v; want %d", what, i, r.Value, r.Err, want)
		}
	}
}

// testEvalShaFirst: Load puts the script on every node, replicas included,
// with one SCRIPT LOAD each; then single calls and a batch over every slot
// go as EVALSHA, each call once, with no EVAL and no more SCRIPT LOAD.
func testEvalShaFirst(t *testing.T, b Backend, e semEnv) {
	ctx := ctxT(t)
	r := connect(t, b, e.d, Options{})
	ledger := NewScript("ledger", ledgerBody, false)
	p := prefix(t)
	deltas := statDeltas(t, e.nodes, "script|load", "eval", "evalsha")
	if err := r.Load(ctx, ledger); err != nil {
		t.Fatal(err)
	}
	for i, st := range deltas() {
		if st["script|load"] != 1 || st["eval"] != 0 || st["evalsha"] != 0 {
			t.Errorf("Load: node %s got %v; want one SCRIPT LOAD", e.nodes[i].Addr(), st)
		}
		if v, err := e.nodes[i].Do("SCRIPT", "EXISTS", ledger.SHA1()); err != nil || fmt.Sprint(v) != "[1]" {
			t.Errorf("after Load, SCRIPT EXISTS on %s = %v, %v; want [1]", e.nodes[i].Addr(), v, err)
		}
	}

	deltas = statDeltas(t, e.nodes, "script|load", "eval", "evalsha")
	const size, singles = 300, 20
	res, err := r.Batch(ctx, ledgerCalls(ledger, p+"b", size))
	if err != nil {
		t.Fatal(err)
	}
	checkAll(t, "batch", res, 1)
	for i := range singles {
		id := p + "s" + strconv.Itoa(i)
		if res := r.Call(ctx, ledger, []string{"{" + id + "}n", "{" + id + "}sum"}, []string{"1"}, Int64); res.Err != nil || res.Int() != 1 {
			t.Fatalf("single call %d = %v, %v; want 1", i, res.Value, res.Err)
		}
	}
	st := deltas()
	if got := sum(st, "evalsha"); got != size+singles {
		t.Errorf("%d EVALSHA for %d calls; want one each", got, size+singles)
	}
	if sum(st, "eval") != 0 || sum(st, "script|load") != 0 {
		t.Errorf("steady state sent %d EVAL and %d SCRIPT LOAD; want none", sum(st, "eval"), sum(st, "script|load"))
	}
}

// testNoScriptSingle: after SCRIPT FLUSH on every node, a single call
// answered NOSCRIPT is sent again behind one SCRIPT LOAD on the node that
// answered, and nowhere else; no EVAL. Once per master, so every master
// recovers.
func testNoScriptSingle(t *testing.T, b Backend, e semEnv) {
	ctx := ctxT(t)
	rec := &recorder{}
	r := connect(t, b, e.d, Options{Hooks: rec.hooks()})
	ledger := NewScript("ledger", ledgerBody, false)
	if err := r.Load(ctx, ledger); err != nil {
		t.Fatal(err)
	}
	p := prefix(t)
	// One key per master.
	var keys []string
	seen := map[*redistest.Server]bool{}
	for i := 0; len(seen) < len(e.masters()) && i < 10000; i++ {
		k := "{" + p + strconv.Itoa(i) + "}n"
		if m := e.master(k); !seen[m] {
			seen[m] = true
			keys = append(keys, k)
		}
	}
	flushScripts(t, e.nodes)
	rec.take()
	for _, key := range keys {
		owner := e.master(key)
		deltas := statDeltas(t, e.nodes, "script|load", "eval", "evalsha")
		if res := r.Call(ctx, ledger, []string{key, key + ":sum"}, []string{"1"}, Int64); res.Err != nil || res.Int() != 1 {
			t.Fatalf("call on %s = %v, %v; want 1", owner.Addr(), res.Value, res.Err)
		}
		for i, st := range deltas() {
			want := map[string]int64{"script|load": 0, "eval": 0, "evalsha": 0}
			if e.nodes[i] == owner {
				want = map[string]int64{"script|load": 1, "eval": 0, "evalsha": 2}
			}
			if fmt.Sprint(st) != fmt.Sprint(want) {
				t.Errorf("call on %s: node %s got %v, want %v", owner.Addr(), e.nodes[i].Addr(), st, want)
			}
		}
		if v, err := owner.Do("SCRIPT", "EXISTS", ledger.SHA1()); err != nil || fmt.Sprint(v) != "[1]" {
			t.Errorf("SCRIPT EXISTS on %s = %v, %v; want [1]", owner.Addr(), v, err)
		}
		calls, _ := rec.take()
		if len(calls) != 1 || calls[0].NoScript != 1 || calls[0].Outcome != rt.OutcomeOK || calls[0].Batched {
			t.Errorf("Call hook saw %+v; want one single call, ok, after one NOSCRIPT", calls)
		}
	}
}

// masters returns the deployment's masters now.
func (e semEnv) masters() []*redistest.Server {
	if e.cl != nil {
		return e.cl.Masters()
	}
	return e.nodes
}

// testNoScriptBatch: after SCRIPT FLUSH on every node, a batch of two
// scripts over every slot recovers in one more round trip: every master
// gets one SCRIPT LOAD per script, replicas none, nothing goes by EVAL,
// every call was sent twice (NOSCRIPT, then run) and ran once.
func testNoScriptBatch(t *testing.T, b Backend, e semEnv) {
	ctx := ctxT(t)
	rec := &recorder{}
	r := connect(t, b, e.d, Options{Hooks: rec.hooks()})
	waitTopology(t, r, rec)
	a := NewScript("a", ledgerBody, false)
	b2 := NewScript("b", ledgerBody+" -- b", false)
	p := prefix(t)
	const size = 300
	for round := 1; round <= 2; round++ {
		flushScripts(t, e.nodes)
		deltas := statDeltas(t, e.nodes, "script|load", "eval", "evalsha")
		calls := append(ledgerCalls(a, p, size), ledgerCalls(b2, p, size)...)
		res, err := r.Batch(ctx, calls)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		checkAll(t, fmt.Sprintf("round %d", round), res, int64(round))
		st := deltas()
		for i, st := range st {
			want := int64(0)
			if role, err := e.nodes[i].Role(); err != nil {
				t.Fatal(err)
			} else if role == "master" {
				want = 2
			}
			if st["script|load"] != want || st["eval"] != 0 {
				t.Errorf("round %d: node %s got %d SCRIPT LOAD and %d EVAL; want %d and 0", round, e.nodes[i].Addr(), st["script|load"], st["eval"], want)
			}
		}
		if got := sum(st, "evalsha"); got != 2*2*size {
			t.Errorf("round %d: %d EVALSHA for %d calls; want 2 each (NOSCRIPT, then the call)", round, got, 2*size)
		}
		calls2, batches := rec.take()
		if len(batches) != 1 || batches[0].Rounds != 2 || batches[0].Failed != 0 {
			t.Errorf("round %d: Batch hook %+v; want 2 round trips, none failed", round, batches)
		}
		if len(calls2) != 2*size {
			t.Fatalf("round %d: %d calls reported to the Call hook, want %d", round, len(calls2), 2*size)
		}
		for _, ci := range calls2 {
			if ci.NoScript != 1 || ci.Outcome != rt.OutcomeOK || !ci.Batched {
				t.Fatalf("round %d: Call hook %+v; want batched, ok, after one NOSCRIPT", round, ci)
			}
		}
	}
}

// testReadOnly: a read-only script goes as EVALSHA_RO, single and batched,
// never as EVALSHA.
func testReadOnly(t *testing.T, b Backend, e semEnv) {
	ctx := ctxT(t)
	r := connect(t, b, e.d, Options{})
	get := NewScript("get", "return redis.call('GET', KEYS[1])", true)
	if err := r.Load(ctx, get); err != nil {
		t.Fatal(err)
	}
	p := prefix(t)
	// Written on the master and replicated before the reads: a backend may
	// send read-only calls to replicas.
	m := e.master(p + "k")
	if _, err := m.Do("SET", p+"k", "v"); err != nil {
		t.Fatal(err)
	}
	if e.cl != nil {
		if n, err := m.Do("WAIT", "1", "5000"); err != nil || n != int64(1) {
			t.Fatalf("WAIT = %v, %v; want the replica to have the key", n, err)
		}
	}
	deltas := statDeltas(t, e.nodes, "evalsha", "evalsha_ro", "eval", "eval_ro")
	if res := r.Call(ctx, get, []string{p + "k"}, nil, String); res.Err != nil || res.Value != "v" {
		t.Fatalf("read-only call = %v, %v; want v", res.Value, res.Err)
	}
	calls := []Call{{Script: get, Keys: []string{p + "k"}, Decode: String}}
	for i := range 49 {
		calls = append(calls, Call{Script: get, Keys: []string{p + "missing" + strconv.Itoa(i)}, Decode: Raw})
	}
	res, err := r.Batch(ctx, calls)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[0].Value != "v" {
		t.Errorf("batched read-only call = %v, %v; want v", res[0].Value, res[0].Err)
	}
	for i, r := range res[1:] {
		if r.Err != nil || r.Value != nil {
			t.Errorf("batched read-only call %d of a missing key = %v, %v; want nil raw reply", i+1, r.Value, r.Err)
		}
	}
	st := deltas()
	if sum(st, "evalsha_ro") != 51 || sum(st, "evalsha") != 0 || sum(st, "eval") != 0 || sum(st, "eval_ro") != 0 {
		t.Errorf("51 read-only calls sent EVALSHA_RO %d, EVALSHA %d, EVAL %d, EVAL_RO %d times; want EVALSHA_RO 51 and nothing else",
			sum(st, "evalsha_ro"), sum(st, "evalsha"), sum(st, "eval"), sum(st, "eval_ro"))
	}
}

// testScriptErrorLine: an error reply names the script, its file and the
// line Redis blamed, single and batched; error_reply's own code is kept.
func testScriptErrorLine(t *testing.T, b Backend, e semEnv) {
	ctx := ctxT(t)
	r := connect(t, b, e.d, Options{})
	p := prefix(t)
	// NewScript adds one comment line: the failing call is on line 4.
	boom := NewScript("boom", "local a = 1\nlocal b = 2\nreturn redis.call('INCR', KEYS[1], 'extra')", false)
	refuse := NewScript("refuse", "return redis.error_reply('LIMIT too many')", false)
	check := func(what string, err error) {
		t.Helper()
		var se *rt.ScriptError
		if !errors.As(err, &se) {
			t.Fatalf("%s: err = %v (%T), want *rt.ScriptError", what, err, err)
		}
		if se.Script != "boom" || se.File != "scripts/boom.lua" || se.Line != 4 {
			t.Fatalf("%s: ScriptError = %+v, want boom at scripts/boom.lua:4", what, se)
		}
		if !strings.Contains(se.Error(), "scripts/boom.lua:4") {
			t.Fatalf("%s: message %q lacks file:line", what, se)
		}
	}
	check("single call", r.Call(ctx, boom, []string{p + "boom"}, nil, Int64).Err)
	var se *rt.ScriptError
	if err := r.Call(ctx, refuse, []string{p + "k"}, nil, Int64).Err; !errors.As(err, &se) || se.Code != "LIMIT" || se.File != "scripts/refuse.lua" {
		t.Fatalf("error_reply = %v; want *rt.ScriptError with code LIMIT in scripts/refuse.lua", err)
	}
	ledger := NewScript("ledger", ledgerBody, false)
	res, err := r.Batch(ctx, []Call{
		{Script: boom, Keys: []string{p + "boom"}, Decode: Int64},
		{Script: ledger, Keys: []string{"{" + p + "}n", "{" + p + "}sum"}, Args: []string{"1"}, Decode: Int64},
		{Script: refuse, Keys: []string{p + "k"}, Decode: Int64},
	})
	var be *rt.BatchError
	if !errors.As(err, &be) || be.Failed != 2 || be.Total != 3 {
		t.Fatalf("Exec = %v; want a *rt.BatchError, 2 of 3 failed", err)
	}
	check("batched call", res[0].Err)
	if res[1].Err != nil || res[1].Int() != 1 {
		t.Errorf("good call in the batch = %v, %v; want 1", res[1].Value, res[1].Err)
	}
	if err := res[2].Err; !errors.As(err, &se) || se.Code != "LIMIT" {
		t.Errorf("batched error_reply = %v; want *rt.ScriptError with code LIMIT", err)
	}
}

// testCrossSlot: a call whose keys are in different slots fails with a
// *rt.CrossSlotError naming keys and slots, and nothing is sent; in a batch
// the other calls run.
func testCrossSlot(t *testing.T, b Backend, e semEnv) {
	ctx := ctxT(t)
	r := connect(t, b, e.d, Options{})
	ledger := NewScript("ledger", ledgerBody, false)
	if err := r.Load(ctx, ledger); err != nil {
		t.Fatal(err)
	}
	p := prefix(t)
	k1, k2 := p+"a", p+"b"
	for i := 0; rt.Slot(k1) == rt.Slot(k2); i++ {
		k2 = p + "b" + strconv.Itoa(i)
	}
	cmds := []string{"evalsha", "evalsha_ro", "eval", "eval_ro", "script|load"}
	deltas := statDeltas(t, e.nodes, cmds...)
	err := r.Call(ctx, ledger, []string{k1, k2}, []string{"1"}, Int64).Err
	var cs *rt.CrossSlotError
	if !errors.As(err, &cs) {
		t.Fatalf("Call = %v, want *rt.CrossSlotError", err)
	}
	if cs.Script != "ledger" || len(cs.Keys) != 2 || cs.Slots[0] != rt.Slot(k1) || cs.Slots[1] != rt.Slot(k2) {
		t.Fatalf("CrossSlotError = %+v", cs)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("%q (slot %d)", k1, rt.Slot(k1))) || !strings.Contains(err.Error(), "hash tag") {
		t.Fatalf("message %q lacks keys, slots or advice", err)
	}
	for _, c := range cmds {
		if n := sum(deltas(), c); n != 0 {
			t.Errorf("a cross-slot call sent %s %d times; want nothing sent", c, n)
		}
	}

	deltas = statDeltas(t, e.nodes, cmds...)
	res, err := r.Batch(ctx, []Call{
		{Script: ledger, Keys: []string{k1, k2}, Args: []string{"1"}, Decode: Int64},
		{Script: ledger, Keys: []string{"{" + p + "}a", "{" + p + "}b"}, Args: []string{"1"}, Decode: Int64},
	})
	var be *rt.BatchError
	if !errors.As(err, &be) || be.Failed != 1 {
		t.Fatalf("Exec = %v, want a *rt.BatchError for the cross-slot call", err)
	}
	if !errors.As(res[0].Err, &cs) {
		t.Fatalf("cross-slot future = %v", res[0].Err)
	}
	if res[1].Err != nil || res[1].Int() != 1 {
		t.Fatalf("good call in the same batch = %v, %v", res[1].Value, res[1].Err)
	}
	st := deltas()
	for _, c := range cmds {
		want := int64(0)
		if c == "evalsha" {
			want = 1 // the good call
		}
		if n := sum(st, c); n != want {
			t.Errorf("batch with a cross-slot call sent %s %d times; want %d (only the good call)", c, n, want)
		}
	}
	for _, k := range []string{k1, k2} {
		if v, err := e.master(k).Do("EXISTS", k); err != nil || v != int64(0) {
			t.Errorf("EXISTS %s = %v, %v; the cross-slot call must not run", k, v, err)
		}
	}
}

// attempts returns how many times cmd reached n (run or rejected) since
// the last call.
func attempts(t *testing.T, n *redistest.Server) func(cmd string) int64 {
	t.Helper()
	read := func() map[string]cmdStat {
		st, err := commandStats(n)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	before := read()
	return func(cmd string) int64 {
		t.Helper()
		after := read()
		a := after[cmd].calls + after[cmd].rejected - before[cmd].calls - before[cmd].rejected
		before = after
		return a
	}
}

// testBusy: a call answered BUSY (another script running past
// busy-reply-threshold) did not run; it is retried within the TRYAGAIN
// budget and runs once the other script ends, single and batched. When
// the other script outlasts the budget, the call fails with a
// *rt.ScriptError whose Code is BUSY, and it never ran.
func testBusy(t *testing.T, b Backend) {
	sa := redistest.NewStandalone(t)
	if _, err := sa.Do("CONFIG", "SET", "busy-reply-threshold", "50"); err != nil {
		t.Fatal(err)
	}
	d := Deployment{Kind: Standalone, Addrs: []string{sa.Addr()}}
	ctx := ctxT(t)
	spinner := connect(t, b, d, Options{})
	spin := NewScript("spin", SpinBody, false)
	spinFor := func(ms int) (wait func()) {
		done := make(chan error, 1)
		go func() { done <- spinner.Call(context.Background(), spin, nil, []string{strconv.Itoa(ms)}, Int64).Err }()
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			_, err := sa.Do("PING")
			if err != nil && strings.HasPrefix(err.Error(), "BUSY ") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the server never answered BUSY (last PING: %v)", err)
			}
		}
		return func() {
			if err := <-done; err != nil {
				t.Logf("spin script: %v", err)
			}
		}
	}
	rec := &recorder{}
	r := connect(t, b, d, Options{Hooks: rec.hooks()})
	ledger := NewScript("ledger", ledgerBody, false)
	if err := r.Load(ctx, ledger); err != nil {
		t.Fatal(err)
	}
	p := prefix(t)
	keys := func(id string) []string { return []string{"{" + p + id + "}n", "{" + p + id + "}sum"} }
	ran := func(id string) {
		t.Helper()
		if v, err := sa.Do("GET", keys(id)[0]); err != nil || v != "1" {
			t.Errorf("%s = %v, %v; want 1: the call must run exactly once", keys(id)[0], v, err)
		}
	}

	wait := spinFor(600)
	start := time.Now()
	if res := r.Call(ctx, ledger, keys("single"), []string{"1"}, Int64); res.Err != nil || res.Int() != 1 {
		t.Fatalf("single call during a busy script = %v, %v; want 1", res.Value, res.Err)
	}
	t.Logf("single call waited %v", time.Since(start).Round(time.Millisecond))
	wait()
	ran("single")
	calls, _ := rec.take()
	if len(calls) != 1 || calls[0].Retries == 0 || calls[0].Outcome != rt.OutcomeOK {
		t.Errorf("Call hook saw %+v; want one call, retried, ok", calls)
	}

	wait = spinFor(600)
	res, err := r.Batch(ctx, []Call{
		{Script: ledger, Keys: keys("b1"), Args: []string{"1"}, Decode: Int64},
		{Script: ledger, Keys: keys("b2"), Args: []string{"1"}, Decode: Int64},
	})
	if err != nil {
		t.Fatalf("batch during a busy script: %v", err)
	}
	checkAll(t, "batch during a busy script", res, 1)
	wait()
	ran("b1")
	ran("b2")
	calls, batches := rec.take()
	if len(calls) != 2 || calls[0].Retries == 0 || len(batches) != 1 || batches[0].Rounds < 2 {
		t.Errorf("hooks saw %+v and %+v; want two retried calls in a batch of several rounds", calls, batches)
	}

	// A script that outlasts the retry budget (about 2.1 s): the call and
	// a batch sent at the same time fail with a *rt.ScriptError whose Code
	// is BUSY, and neither ran.
	wait = spinFor(3500)
	batchRes := make(chan []Result, 1)
	go func() {
		res, _ := r.Batch(ctx, []Call{{Script: ledger, Keys: keys("late-batch"), Args: []string{"1"}, Decode: Int64}})
		batchRes <- res
	}()
	start = time.Now()
	err = r.Call(ctx, ledger, keys("late"), []string{"1"}, Int64).Err
	var se *rt.ScriptError
	if !errors.As(err, &se) || se.Code != "BUSY" {
		t.Errorf("call past the budget = %v; want a *rt.ScriptError with code BUSY", err)
	}
	t.Logf("gave up after %v: %v", time.Since(start).Round(time.Millisecond), err)
	if res := <-batchRes; len(res) != 1 || !errors.As(res[0].Err, &se) || se.Code != "BUSY" {
		t.Errorf("batch call past the budget = %+v; want a *rt.ScriptError with code BUSY", res)
	}
	// SCRIPT KILL is one of the commands a busy server still takes (on
	// the connection redistest opened before).
	if _, err := sa.Do("SCRIPT", "KILL"); err != nil {
		t.Logf("SCRIPT KILL: %v", err)
	}
	wait()
	for _, id := range []string{"late", "late-batch"} {
		if v, err := sa.Do("EXISTS", keys(id)[0]); err != nil || v != int64(0) {
			t.Errorf("a call answered BUSY ran: EXISTS %s = %v, %v", keys(id)[0], v, err)
		}
	}
}

// testRetriedReplies makes a standalone server answer NOREPLICAS
// (min-replicas-to-write without replicas) and READONLY (it is a replica)
// for a while: single calls and batches wait it out and each runs once. A
// server that never heals gives the reply's *rt.ScriptError after exactly
// 1+rt.RetryCap attempts counted by Redis: no client layer adds its own
// retries to the runtime's.
func testRetriedReplies(t *testing.T, b Backend) {
	s := redistest.NewStandalone(t)
	other := redistest.NewStandalone(t)
	r := connect(t, b, Deployment{Kind: Standalone, Addrs: []string{s.Addr()}}, Options{})
	incr := NewScript("incr", "return redis.call('INCR', KEYS[1])", false)
	if err := r.Load(ctxT(t), incr); err != nil {
		t.Fatal(err)
	}
	p := prefix(t)
	do := func(args ...string) {
		t.Helper()
		if _, err := s.Do(args...); err != nil {
			t.Fatal(err)
		}
	}
	check := func(key string) {
		t.Helper()
		if v, err := s.Do("GET", key); err != nil || v != "1" {
			t.Fatalf("%s = %v, %v; want 1: the call must run exactly once", key, v, err)
		}
	}
	faults := []struct {
		name        string
		break_, fix []string
	}{
		{"NOREPLICAS", []string{"CONFIG", "SET", "min-replicas-to-write", "1"}, []string{"CONFIG", "SET", "min-replicas-to-write", "0"}},
		{"READONLY", []string{"REPLICAOF", "127.0.0.1", strconv.Itoa(other.Port())}, []string{"REPLICAOF", "NO", "ONE"}},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			ctx := ctxT(t)
			waitReplies := func() {
				// A new replica answers LOADING while it loads its master's
				// data: wait for the fault proper.
				for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
					_, err := s.Do("EVALSHA", incr.SHA1(), "1", p+"probe")
					if err != nil && strings.HasPrefix(err.Error(), f.name) {
						return
					}
					if err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") {
						// A full sync may empty the script cache: the runtime
						// would load it again; load it here, so that the
						// counts below are of retries only.
						if _, err := s.Do("SCRIPT", "LOAD", rt.Source(incr)); err != nil {
							t.Fatal(err)
						}
					}
				}
				t.Fatalf("the server never answered %s", f.name)
			}
			do(f.break_...)
			waitReplies()
			time.AfterFunc(200*time.Millisecond, func() { s.Do(f.fix...) })
			start := time.Now()
			if res := r.Call(ctx, incr, []string{p + f.name + ":call"}, nil, Int64); res.Err != nil || res.Int() != 1 {
				t.Fatalf("call = %v, %v; want 1", res.Value, res.Err)
			}
			if took := time.Since(start); took < 150*time.Millisecond {
				t.Fatalf("call took %v: it never met the fault", took)
			}
			check(p + f.name + ":call")

			do(f.break_...)
			waitReplies()
			time.AfterFunc(200*time.Millisecond, func() { s.Do(f.fix...) })
			calls := make([]Call, 20)
			for i := range calls {
				calls[i] = Call{Script: incr, Keys: []string{p + f.name + ":b" + strconv.Itoa(i)}, Decode: Int64}
			}
			res, err := r.Batch(ctx, calls)
			if err != nil {
				t.Fatal(err)
			}
			checkAll(t, "batch", res, 1)
			for i := range calls {
				check(p + f.name + ":b" + strconv.Itoa(i))
			}

			// Never healed: the runtime's retries, and only those.
			do(f.break_...)
			waitReplies()
			defer do(f.fix...)
			sent := attempts(t, s)
			var se *rt.ScriptError
			start = time.Now()
			err = r.Call(ctxT(t), incr, []string{p + f.name + ":never"}, nil, Int64).Err
			if !errors.As(err, &se) || se.Code != f.name {
				t.Fatalf("err = %v; want the %s *rt.ScriptError once retries run out", err, f.name)
			}
			took := time.Since(start)
			if took < time.Second || took > 10*time.Second {
				t.Errorf("gave up after %v; the retry budget is about 2 s", took)
			}
			want := int64(1 + rt.RetryCap(f.name))
			if n := sent("evalsha"); n != want {
				t.Errorf("a call answered %s until it gave up reached Redis %d times; want %d (1 + %d retries)", f.name, n, want, rt.RetryCap(f.name))
			}
			t.Logf("single call gave up after %v", took.Round(time.Millisecond))

			ctx300, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			start = time.Now()
			res, _ = r.Batch(ctx300, []Call{{Script: incr, Keys: []string{p + f.name + ":never"}, Decode: Int64}})
			if !errors.As(res[0].Err, &se) {
				t.Errorf("batch err = %v; want the *rt.ScriptError when ctx ends", res[0].Err)
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("batch gave up after %v; ctx allowed 300ms", took)
			}
			if n := sent("evalsha"); n < 2 || n > want {
				t.Errorf("a batched call retried for 300ms reached Redis %d times; want 2 to %d", n, want)
			}
			if v, err := s.Do("GET", p+f.name+":never"); err != nil || v != nil {
				t.Errorf("never = %v, %v; want no write", v, err)
			}
		})
	}
}

// testDroppedConnection runs a write script that takes 200 ms after its
// write, and drops the client's connection while it runs (through a proxy:
// CLIENT KILL cannot do it, Redis answers it BUSY past busy-reply-threshold
// and runs it after the script's reply went out below it). The call's
// reply is lost after its effect; it must not be sent again, by the runtime
// or by the client's own retries: the counter stays 1. Single calls and
// batches.
func testDroppedConnection(t *testing.T, b Backend) {
	sa := redistest.NewStandalone(t)
	px := newProxy(t, sa.Addr())
	r := connect(t, b, Deployment{Kind: Standalone, Addrs: []string{px.Addr()}}, Options{})
	slow := NewScript("slow", SlowWriteBody, false)
	ctx := ctxT(t)
	if err := r.Load(ctx, slow); err != nil {
		t.Fatal(err)
	}
	p := prefix(t)
	// dropDuring runs call, drops every connection once the proxy passed
	// an EVALSHA on and the script had 50 ms to start, and returns call's
	// error.
	dropDuring := func(call func(ctx context.Context) error) error {
		for attempt := 1; ; attempt++ {
			sent := px.expect("evalsha")
			done := make(chan error, 1)
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				done <- call(ctx)
			}()
			select {
			case <-sent:
			case err := <-done:
				// A connection dropped last time that the client had not
				// noticed yet: the call failed unsent. Again.
				select {
				case <-sent:
					t.Fatalf("the call returned %v before its connection was dropped", err)
				default:
				}
				if attempt == 10 {
					t.Fatalf("call attempt %d returned %v and sent nothing", attempt, err)
				}
				continue
			case <-time.After(5 * time.Second):
				t.Fatal("no EVALSHA went through the proxy")
			}
			time.Sleep(50 * time.Millisecond)
			px.dropAll()
			err := <-done
			time.Sleep(500 * time.Millisecond) // a retry would have run by now
			return err
		}
	}
	counter := func(key string) string {
		t.Helper()
		v, err := sa.Do("GET", key)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := v.(string)
		return s
	}
	for round := range 3 {
		key := p + "single" + strconv.Itoa(round)
		var res Result
		err := dropDuring(func(ctx context.Context) error {
			res = r.Call(ctx, slow, []string{key}, []string{"200"}, Int64)
			return res.Err
		})
		if c := counter(key); c != "1" {
			t.Errorf("single call %d: counter %q after its connection dropped (call returned %v, %v); want 1: the write was sent again", round, c, res.Value, err)
		}
		if err == nil && res.Int() != 1 {
			t.Errorf("single call %d returned %d", round, res.Int())
		}
		t.Logf("single call %d: %v", round, err)

		var batch []Result
		keys := []string{p + "b" + strconv.Itoa(round) + ":0", p + "b" + strconv.Itoa(round) + ":1", p + "b" + strconv.Itoa(round) + ":2"}
		err = dropDuring(func(ctx context.Context) error {
			calls := make([]Call, len(keys))
			for i, k := range keys {
				calls[i] = Call{Script: slow, Keys: []string{k}, Args: []string{"100"}, Decode: Int64}
			}
			var err error
			batch, err = r.Batch(ctx, calls)
			return err
		})
		for i, k := range keys {
			c := counter(k)
			if c != "" && c != "1" {
				t.Errorf("batch %d call %d: counter %q after its connection dropped (%v, %v); want 0 or 1: the write was sent again", round, i, c, batch[i].Value, batch[i].Err)
			}
			if batch[i].Err == nil && (batch[i].Int() != 1 || c != "1") {
				t.Errorf("batch %d call %d returned %v with counter %q; want 1 and 1", round, i, batch[i].Value, c)
			}
		}
		t.Logf("batch %d: %v", round, err)
	}
	// The runner serves calls afterwards.
	if res := r.Call(ctx, slow, []string{p + "after"}, []string{"0"}, Int64); res.Err != nil || res.Int() != 1 {
		t.Errorf("call after the drops = %v, %v; want 1", res.Value, res.Err)
	}
}

// roles lists the nodes' roles, for a message.
func roles(nodes []*redistest.Server) string {
	var out []string
	for _, n := range nodes {
		role, err := n.Role()
		if err != nil {
			role = err.Error()
		}
		out = append(out, n.Addr()+" "+role)
	}
	return strings.Join(out, ", ")
}

// testSentinel runs on a Sentinel deployment (a master, a replica, a
// sentinel; min-replicas-to-write 1): calls and batches, a read-only
// script's among them, recover from SCRIPT FLUSH without EVAL; then
// writers make single calls and batches, each key written by one call,
// while the sentinel fails over. READONLY and NOREPLICAS on the way are
// retried (no call fails with a *rt.ScriptError), no key is written twice,
// and calls after the failover succeed.
func testSentinel(t *testing.T, b Backend) {
	if testing.Short() {
		t.Skip("starts a Sentinel deployment")
	}
	d := redistest.NewSentinel(t)
	r := connect(t, b, Deployment{Kind: Sentinel, Addrs: d.Addrs(), MasterSet: redistest.SentinelSet}, Options{})
	incr := NewScript("incr", "return redis.call('INCR', KEYS[1])", false)
	get := NewScript("get", "return redis.call('GET', KEYS[1])", true)
	ctx := ctxT(t)
	p := prefix(t)
	if err := r.Load(ctx, incr); err != nil {
		t.Fatal(err)
	}
	nodes := []*redistest.Server{d.Master, d.Replica}
	for round := 1; round <= 2; round++ {
		flushScripts(t, nodes)
		deltas := statDeltas(t, nodes, "eval", "script|load", "evalsha")
		if res := r.Call(ctx, incr, []string{p + "n"}, nil, Int64); res.Err != nil || res.Int() != int64(round) {
			t.Fatalf("round %d: call = %v, %v", round, res.Value, res.Err)
		}
		flushScripts(t, nodes)
		calls := make([]Call, 100)
		for i := range calls {
			calls[i] = Call{Script: incr, Keys: []string{p + "b" + strconv.Itoa(i)}, Decode: Int64}
		}
		res, err := r.Batch(ctx, calls)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		checkAll(t, fmt.Sprintf("round %d", round), res, int64(round))
		st := deltas()
		// A read-only script in a batch on the Sentinel client (EVALSHA_RO,
		// not loaded yet): it recovers too and reads what the batch wrote.
		reads, err := r.Batch(ctx, []Call{{Script: get, Keys: []string{p + "b0"}, Decode: String}})
		if err != nil || reads[0].Value != strconv.Itoa(round) {
			t.Fatalf("round %d: read-only batch call = %+v, %v; want %d", round, reads, err, round)
		}
		if sum(st, "eval") != 0 || st[0]["script|load"] != 2 {
			t.Errorf("round %d: %d EVAL and %d SCRIPT LOAD on the master; want 0 and 2 (one per flush); master, replica: %v; roles now %s",
				round, sum(st, "eval"), st[0]["script|load"], st, roles(nodes))
		}
	}

	var (
		stop   atomic.Bool
		mu     sync.Mutex
		ok     []string // keys whose call succeeded
		failed int
		wg     sync.WaitGroup
	)
	record := func(key string, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err == nil {
			ok = append(ok, key)
			return
		}
		if failed++; failed <= 3 {
			t.Logf("%s: %v", key, err)
		}
		var se *rt.ScriptError
		if errors.As(err, &se) {
			t.Errorf("%s: %v; READONLY and NOREPLICAS must be retried", key, err)
		}
	}
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				base := p + "f" + strconv.Itoa(w) + ":" + strconv.Itoa(i)
				if i%2 == 0 {
					record(base, r.Call(ctx, incr, []string{base}, nil, Int64).Err)
				} else {
					calls := make([]Call, 20)
					for j := range calls {
						calls[j] = Call{Script: incr, Keys: []string{base + ":" + strconv.Itoa(j)}, Decode: Int64}
					}
					res, _ := r.Batch(ctx, calls)
					for j, res := range res {
						record(calls[j].Keys[0], res.Err)
					}
				}
				cancel()
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	failoverAt := time.Now()
	if err := d.Failover(60 * time.Second); err != nil {
		stop.Store(true)
		wg.Wait()
		t.Fatal(err)
	}
	time.Sleep(time.Second) // calls go to the new master for a while
	stop.Store(true)
	wg.Wait()
	t.Logf("failover took %v; %d calls succeeded, %d failed", time.Since(failoverAt).Round(time.Millisecond), len(ok), failed)

	// Every key was written by at most one call. A successful call whose
	// key is missing was acknowledged by the old master just before the
	// promotion and lost with it: Redis's asynchronous replication.
	c, err := dialReader(d.Master.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cmds := make([][]string, len(ok))
	for i, k := range ok {
		cmds[i] = []string{"GET", k}
	}
	vals, err := c.pipeline(time.Now().Add(30*time.Second), cmds...)
	if err != nil {
		t.Fatal(err)
	}
	lost := 0
	for i, v := range vals {
		switch v {
		case nil:
			lost++
		case "1":
		default:
			t.Errorf("%s = %v: a call was applied more than once", ok[i], v)
		}
	}
	t.Logf("%d acknowledged writes lost with the old master", lost)
	if len(ok) == lost {
		t.Fatal("no call succeeded")
	}
	if res := r.Call(ctx, incr, []string{p + "after"}, nil, Int64); res.Err != nil || res.Int() != 1 {
		t.Fatalf("call after the failover = %v, %v; want 1", res.Value, res.Err)
	}
}

package runtime_test

// # ACL permissions the runtime needs
//
// The runtime sends, for script calls:
//
//   - EVALSHA, and EVAL as the fallback when a node lacks the script and
//     SCRIPT LOAD is refused. Read-only scripts use EVALSHA_RO and EVAL_RO
//     instead. All four are needed if the application has both kinds.
//   - SCRIPT LOAD (the ACL subcommand script|load): by Runner.Load, and by
//     single calls and batches whose calls came back NOSCRIPT (in the same
//     pipeline as the calls sent again, or on every node, replicas
//     included), and by KeepOrder batches. It is optional: without it
//     Runner.Load fails with NOPERM, and calls that got NOSCRIPT go by EVAL
//     (EVAL also caches the script on that node, so later calls are plain
//     EVALSHA again). After a NOPERM the runtime does not try SCRIPT LOAD
//     again for a minute: there is no retry loop.
//   - every command the scripts call (Redis checks the user's ACL for each
//     redis.call inside a script) and key patterns covering every key they
//     touch, declared in KEYS or not (and channels, for PUBLISH).
//
// The rueidis client itself needs, on a cluster, CLUSTER SLOTS (the ACL
// subcommand cluster|slots) to learn the topology; PING is its keep-alive
// (refusals are harmless but fill the ACL LOG); READONLY is needed when
// reads go to replicas (ClientOption.SendToReplicas). HELLO and AUTH are
// always allowed.
//
// ACL users are per node: in a cluster, create them on every node, replicas
// included. For example, for scripts that use GET, SET and INCR on app:* keys:
//
//	ACL SETUSER app on >secret resetkeys ~app:* resetchannels -@all
//	    +evalsha +eval +evalsha_ro +eval_ro +script|load
//	    +get +set +incr
//	    +cluster|slots +ping
//
// A refused command or key is a *runtime.ScriptError whose IsPermission
// reports true. Redis words it three ways: NOPERM when it refuses the call
// itself (a KEYS entry outside the user's patterns, or EVALSHA not allowed),
// and for a command inside the script "ERR The user executing the script
// can't ..." (Redis 7.0) or "ERR ACL failure in script: ..." (Redis 7.2 and
// later); such a script has already run up to that command.

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
	"github.com/redis/rueidis"
)

// aclBase is the ACL of the test users, as documented above, less SCRIPT LOAD.
var aclBase = []string{"on", ">pw", "resetkeys", "~app:*", "resetchannels", "-@all",
	"+evalsha", "+eval", "+evalsha_ro", "+eval_ro", "+get", "+set", "+incr", "+cluster|slots", "+ping"}

// setupACL creates, on every node, "app" (with SCRIPT LOAD) and "noload"
// (without) and returns a rueidis client for each.
func setupACL(t *testing.T, nodes []*redistest.Server) (app, noload rueidis.Client) {
	t.Helper()
	for _, n := range nodes {
		for user, extra := range map[string][]string{"app": {"+script|load"}, "noload": nil} {
			args := append([]string{"ACL", "SETUSER", user}, aclBase...)
			if _, err := n.Do(append(args, extra...)...); err != nil {
				t.Fatalf("ACL SETUSER %s on %s: %v", user, n.Addr(), err)
			}
		}
	}
	addrs := make([]string, len(nodes))
	for i, n := range nodes {
		addrs[i] = n.Addr()
	}
	mk := func(user string) rueidis.Client {
		c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: addrs, DisableCache: true, Username: user, Password: "pw"})
		if err != nil {
			t.Fatalf("rueidis client as %s: %v", user, err)
		}
		t.Cleanup(c.Close)
		return c
	}
	return mk("app"), mk("noload")
}

func TestACL(t *testing.T) {
	sa := redistest.NewStandalone(t)
	cl := redistest.NewCluster(t)
	for _, d := range []struct {
		name  string
		nodes []*redistest.Server
	}{
		{"standalone", []*redistest.Server{sa}},
		{"cluster", cl.Nodes()},
	} {
		t.Run(d.name, func(t *testing.T) {
			app, noload := setupACL(t, d.nodes)
			t.Run("Permissions", func(t *testing.T) { testACLPermissions(t, runtime.New(app)) })
			t.Run("WithScriptLoad", func(t *testing.T) { testACLLoads(t, d.nodes, runtime.New(app), true) })
			t.Run("WithoutScriptLoad", func(t *testing.T) { testACLLoads(t, d.nodes, runtime.New(noload), false) })
		})
	}
}

// testACLPermissions: calls on the user's keys work; refusals of a key or a
// command, by Call and in a batch, are *ScriptError with IsPermission.
func testACLPermissions(t *testing.T, r *runtime.Runner) {
	ctx := ctxT(t)
	incr := newScript("incr", "return redis.call('INCR', KEYS[1])", false)
	get := newScript("get", "return redis.call('GET', KEYS[1])", true)
	// Writes its own key, then one outside the pattern (same slot).
	sneaky := newScript("sneaky", "redis.call('INCR', KEYS[1])\nreturn redis.call('SET', 'other:' .. KEYS[1], 1)", false)
	// DEL is not granted.
	del := newScript("del", "return redis.call('DEL', KEYS[1])", false)
	wrongType := newScript("wrongtype", "redis.call('SET', KEYS[1], 'x')\nreturn redis.call('INCR', KEYS[1])", false)
	p := "app:{" + prefix(t) + "}"

	if n, err := luagenimpl.Call(ctx, r, incr, []string{p + "n"}, nil, luagenimpl.DecodeInt64); err != nil || n != 1 {
		t.Fatalf("incr on an allowed key = %d, %v", n, err)
	}
	if n, err := luagenimpl.Call(ctx, r, get, []string{p + "n"}, nil, luagenimpl.DecodeInt64); err != nil || n != 1 {
		t.Fatalf("read-only get on an allowed key = %d, %v", n, err)
	}

	type refusal struct {
		name   string
		script *runtime.Script
		keys   []string
		code   string // "NOPERM" for the call itself, "ERR" inside the script
		line   int    // for a refusal inside the script, the line Redis names
	}
	refusals := []refusal{
		// newScript adds a first comment line: the scripts' lines start at 2.
		{"key outside the pattern in KEYS", incr, []string{"other:{" + prefix(t) + "}"}, "NOPERM", 0},
		{"read-only script, key outside the pattern", get, []string{"other:{" + prefix(t) + "}"}, "NOPERM", 0},
		{"undeclared key outside the pattern", sneaky, []string{p + "s"}, "ERR", 3},
		{"command not granted", del, []string{p + "d"}, "ERR", 2},
	}
	check := func(how string, rf refusal, err error) {
		t.Helper()
		var se *runtime.ScriptError
		if !errors.As(err, &se) {
			t.Errorf("%s, %s: %v (%T), want *ScriptError", how, rf.name, err, err)
			return
		}
		if !se.IsPermission() || se.Code != rf.code || se.Script != rf.script.Name() || se.Line != rf.line {
			t.Errorf("%s, %s: %+v (IsPermission %v), want a permission error with code %s on line %d", how, rf.name, se, se.IsPermission(), rf.code, rf.line)
		}
		t.Logf("%s, %s: %v", how, rf.name, se)
	}
	b := r.NewBatch()
	var futs []runtime.Future[int64]
	for _, rf := range refusals {
		_, err := luagenimpl.Call(ctx, r, rf.script, rf.keys, nil, luagenimpl.DecodeInt64)
		check("Call", rf, err)
		futs = append(futs, luagenimpl.Queue(b, rf.script, rf.keys, nil, luagenimpl.DecodeInt64))
	}
	ok := luagenimpl.Queue(b, incr, []string{p + "n"}, nil, luagenimpl.DecodeInt64)
	if err := b.Exec(ctx); err == nil {
		t.Fatal("Exec = nil, want a *BatchError")
	}
	for i, f := range futs {
		check("batch", refusals[i], f.Err())
	}
	if n, err := ok.Get(); err != nil || n != 2 {
		t.Errorf("allowed call in the same batch = %d, %v; want 2", n, err)
	}
	// A refusal inside a script comes after its earlier writes: the INCR of
	// sneaky ran twice (Call and batch), the SET never did.
	if n, err := luagenimpl.Call(ctx, r, get, []string{p + "s"}, nil, luagenimpl.DecodeInt64); err != nil || n != 2 {
		t.Errorf("sneaky's own key = %d, %v; want 2 (its writes before the refusal stay)", n, err)
	}

	// Not every error is a permission error.
	_, err := luagenimpl.Call(ctx, r, wrongType, []string{p + "w"}, nil, luagenimpl.DecodeInt64)
	var se *runtime.ScriptError
	if !errors.As(err, &se) || se.IsPermission() {
		t.Errorf("a non-integer INCR = %v; want a *ScriptError that is not a permission error", err)
	}
}

// testACLLoads counts, with INFO commandstats, what a batch costs after
// SCRIPT FLUSH: with SCRIPT LOAD allowed, one load per node and no EVAL;
// without it, one refused SCRIPT LOAD per node for the life of the runner,
// then EVAL for exactly the calls that got NOSCRIPT, with every call
// succeeding once.
func testACLLoads(t *testing.T, nodes []*redistest.Server, r *runtime.Runner, canLoad bool) {
	ctx := ctxT(t)
	s := newScript("counter", "return redis.call('INCR', KEYS[1])", false)
	p := prefix(t)
	const size = 100
	batch := func(round int) {
		t.Helper()
		b := r.NewBatch()
		futs := make([]runtime.Future[int64], size)
		for i := range futs {
			futs[i] = luagenimpl.Queue(b, s, []string{fmt.Sprintf("app:{%s%d}", p, i)}, nil, luagenimpl.DecodeInt64)
		}
		if err := b.Exec(ctx); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		for i, f := range futs {
			if n, err := f.Get(); err != nil || n != int64(round) {
				t.Fatalf("round %d call %d = %d, %v; want %d", round, i, n, err, round)
			}
		}
	}
	flush := func() {
		t.Helper()
		for _, n := range nodes {
			if _, err := n.Do("SCRIPT", "FLUSH"); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, n := range nodes {
		if err := n.ResetStats(); err != nil {
			t.Fatal(err)
		}
	}
	type step struct {
		name  string
		run   func()
		loads int64 // SCRIPT LOAD attempts, accepted or refused, at most
		evals int64 // EVAL, exactly
	}
	nodeCount := int64(len(nodes))
	steps := []step{
		{"batch after SCRIPT FLUSH", func() { flush(); batch(1) }, nodeCount, 0},
		{"batch in the steady state", func() { batch(2) }, 0, 0},
		{"batch after another SCRIPT FLUSH", func() { flush(); batch(3) }, nodeCount, 0},
	}
	if !canLoad {
		steps[0].evals = size
		steps[2].loads, steps[2].evals = 0, size // no new attempt: the runner remembers the refusal
	}
	for _, st := range steps {
		before := aclCommandStats(t, nodes)
		st.run()
		after := aclCommandStats(t, nodes)
		loads := after["script|load"].attempts() - before["script|load"].attempts()
		evals := after["eval"].calls - before["eval"].calls
		t.Logf("%s: %d SCRIPT LOAD (%d refused), %d EVALSHA (%d NOSCRIPT), %d EVAL", st.name,
			loads, after["script|load"].rejected-before["script|load"].rejected,
			after["evalsha"].calls-before["evalsha"].calls, after["evalsha"].failed-before["evalsha"].failed, evals)
		if loads > st.loads || evals != st.evals {
			t.Errorf("%s: %d SCRIPT LOAD, %d EVAL; want at most %d and exactly %d", st.name, loads, evals, st.loads, st.evals)
		}
		if !canLoad && after["script|load"].calls != 0 {
			t.Errorf("%s: SCRIPT LOAD ran %d times for a user without it", st.name, after["script|load"].calls)
		}
	}

	// A single call after a flush: EVALSHA, then SCRIPT LOAD and EVALSHA (or
	// EVAL when SCRIPT LOAD is refused).
	flush()
	if n, err := luagenimpl.Call(ctx, r, s, []string{"app:{" + p + "single}"}, nil, luagenimpl.DecodeInt64); err != nil || n != 1 {
		t.Errorf("single call after SCRIPT FLUSH = %d, %v", n, err)
	}
	// Runner.Load reports the refusal clearly.
	err := r.Load(ctx, s)
	if canLoad && err != nil {
		t.Errorf("Load = %v", err)
	}
	if !canLoad && (err == nil || !strings.Contains(err.Error(), "NOPERM")) {
		t.Errorf("Load without SCRIPT LOAD = %v, want a NOPERM error", err)
	}
}

// TestIsPermissionWordings covers the wordings of ACL refusals that the
// Redis 7.0 of the test servers cannot produce, and look-alikes that are not
// refusals.
func TestIsPermissionWordings(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want bool
	}{
		{"NOPERM User app has no permissions to run the 'evalsha' command", true},
		{"ACL failure in script: User app has no permissions to run the 'del' command script: 8a2f, on @user_script:4.", true},
		{"ACL failure in script: No permissions to access a key script: 8a2f, on @user_script:2.", true},
		{"The user executing the script can't publish to the channel mentioned in the command script: 8a2f, on @user_script:1.", true},
		{"ERR The user executing the script can't run this command or subcommand", true},
		{"WRONGTYPE Operation against a key holding the wrong kind of value script: 8a2f, on @user_script:3.", false},
		{"user_script:1: Script attempted to access nonexistent global variable 'x' script: 8a2f, on @user_script:1.", false},
		{"LIMIT no permissions left", false},
	} {
		code, _, _ := strings.Cut(c.msg, " ")
		if strings.ToUpper(code) != code {
			code = "ERR"
		}
		se := &runtime.ScriptError{Script: "s", Code: code, Msg: c.msg}
		if got := se.IsPermission(); got != c.want {
			t.Errorf("IsPermission(%q) = %v, want %v", c.msg, got, c.want)
		}
	}
}

type aclStat struct{ calls, rejected, failed int64 }

// attempts counts every time the command was sent: run or refused.
func (s aclStat) attempts() int64 { return s.calls + s.rejected }

// aclCommandStats sums INFO commandstats over nodes, with the rejected and
// failed counts (redistest.CommandStats keeps only calls).
func aclCommandStats(t *testing.T, nodes []*redistest.Server) map[string]aclStat {
	t.Helper()
	total := map[string]aclStat{}
	for _, n := range nodes {
		info, err := n.Info("commandstats")
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range info {
			name, ok := strings.CutPrefix(k, "cmdstat_")
			if !ok {
				continue
			}
			st := total[name]
			for field := range strings.SplitSeq(v, ",") {
				key, val, _ := strings.Cut(field, "=")
				num, _ := strconv.ParseInt(val, 10, 64)
				switch key {
				case "calls":
					st.calls += num
				case "rejected_calls":
					st.rejected += num
				case "failed_calls":
					st.failed += num
				}
			}
			total[name] = st
		}
	}
	return total
}

package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/luagen/luagen/bench/internal/gen"
	"github.com/luagen/luagen/bench/internal/genfn"
	"github.com/luagen/luagen/bench/internal/genredis"
	"github.com/luagen/luagen/goredis"
	"github.com/luagen/luagen/runtime"
	"github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
)

// pipeFunc sends calls off..off+n-1 (key pairs (off+i) mod 16384) as one
// batch and reports how many came back with a correct reply, and the first
// error.
type pipeFunc func(ctx context.Context, off, n int) (ok int, err error)

// callFunc makes call j (key pair j mod 16384) on its own.
type callFunc func(ctx context.Context, j int) error

// method is one way of running the script.
type method struct {
	id     string
	name   string
	single bool // one call at a time from many goroutines, not batches
	// againOf names the method this one runs a second time, as a control:
	// its ratio to that method shows how far two identical methods land
	// apart in the run, the noise floor of the ratios to it. Not run in the
	// storm.
	againOf string
	// stormControl marks the method that runs, in the storm only, without
	// flushes (scripts loaded before each run): the storm's luagen calls/s
	// over its calls/s in the same rounds is what NOSCRIPT recovery costs,
	// free of the machine's drift between scenarios.
	stormControl bool
	// build returns the method's pipeFunc (batch methods) or callFunc
	// (single-call methods) for one scenario; batch is the batch size.
	build func(e *env, ks *keyset, batch int) (pipeFunc, callFunc)
}

// env is what the methods of one scenario share.
type env struct {
	dep    *deployment
	script scriptSpec
	lua    *rueidis.Lua  // rueidis.NewLuaScript(script.src)
	grs    *redis.Script // redis.NewScript(script.src)
}

var errWrongReply = errors.New("wrong reply")

// refID is the reference method: hand-built DoMulti of EVALSHA.
const refID = "dmsha"

var methods = []*method{
	{id: "luagen", name: "luagen pipeline", build: luagenPipeline},
	{id: "luagen-int", name: "luagen pipeline, int64 params", build: luagenPipelineTyped},
	{id: "luagen-prefix", name: "luagen pipeline, key prefix checked", build: luagenPipelinePrefix},
	{id: "luagen-ordered", name: "luagen pipeline, KeepOrder", build: luagenPipelineOrdered},
	{id: "luagen-calm", name: "luagen pipeline, no flushes (storm control)", stormControl: true, build: luagenPipeline},
	{id: "dmsha", name: "rueidis DoMulti EVALSHA, hand-built (preloaded)", build: doMultiEvalsha},
	{id: "dmsha-again", name: "the same hand-built DoMulti, run again (noise floor)", againOf: "dmsha", build: doMultiEvalsha},
	{id: "luagen-fn", name: "luagen functions pipeline (FCALL)", build: luagenFnPipeline},
	{id: "dmfcall", name: "rueidis DoMulti FCALL, hand-built (library preloaded)", build: doMultiFcall},
	{id: "dmfcall-again", name: "the same hand-built DoMulti FCALL, run again (noise floor)", againOf: "dmfcall", build: doMultiFcall},
	{id: "execmulti", name: "rueidis Lua.ExecMulti", build: execMulti},
	{id: "dmeval", name: "rueidis DoMulti EVAL", build: doMultiEval},
	{id: "goredis", name: "go-redis pipelined EvalSha (preloaded)", build: goredisPipeline},
	{id: "luagen-x", name: "luagen single calls", single: true, build: luagenSingle},
	{id: "luagen-fn-x", name: "luagen functions single calls (FCALL)", single: true, build: luagenFnSingle},
	{id: "luaexec-x", name: "rueidis Lua.Exec", single: true, build: luaExec},
	{id: "luaexec-x-again", name: "the same Lua.Exec, run again (noise floor)", single: true, againOf: "luaexec-x", build: luaExec},
	{id: "goredis-x", name: "go-redis Script.Run", single: true, build: goredisRun},
	{id: "luagen-gr", name: "luagen pipeline on go-redis", build: luagenGrPipeline},
	{id: "goredis-again", name: "the same go-redis pipelined EvalSha, run again (noise floor)", againOf: "goredis", build: goredisPipeline},
	{id: "luagen-gr-x", name: "luagen single calls on go-redis", single: true, build: luagenGrSingle},
	{id: "goredis-x-again", name: "the same go-redis Script.Run, run again (noise floor)", single: true, againOf: "goredis-x", build: goredisRun},
	{id: "goredis-ap-x", name: "go-redis Script.Run on its AutoPipeline", single: true, build: goredisRunAP},
	{id: "luagen-gr-ap-x", name: "luagen single calls on go-redis, WithAutoPipeline", single: true, build: luagenGrSingleAP},
}

// runSequence is the methods' order within a round before the round's
// rotation (see roundOrder), where it differs from the table's: each method
// whose ratio to a reference is a target runs between that reference's two
// runs, and the storm control right after the method it controls. Runs
// next to each other in this list run at most two places apart in every
// round, and runs further apart compare a little worse: in the table's
// order, luagen's per-round ratio to the hand-built DoMulti spread wider
// (standard deviation of its log 0.20–0.35 over a full run's six
// scenarios) than the hand-built one's to its own second run (0.17–0.25);
// in this order they spread alike (0.15–0.26 and 0.17–0.29).
var runSequence = []string{
	"dmsha", "luagen", "luagen-calm", "dmsha-again",
	"luagen-int", "luagen-prefix", "luagen-ordered",
	"dmfcall", "luagen-fn", "dmfcall-again",
	"execmulti", "dmeval",
	"goredis", "luagen-gr", "goredis-again",
	"luaexec-x", "luagen-x", "luaexec-x-again", "luagen-fn-x",
	"goredis-x", "luagen-gr-x", "goredis-x-again",
	"goredis-ap-x", "luagen-gr-ap-x",
}

// sequence returns the indexes of results in runSequence's order.
func sequence(results []*methodResult) []int {
	seq := make([]int, 0, len(results))
	for _, id := range runSequence {
		for i, r := range results {
			if r.m.id == id {
				seq = append(seq, i)
			}
		}
	}
	return seq
}

func knownMethod(id string) bool {
	for _, m := range methods {
		if m.id == id {
			return true
		}
	}
	return false
}

func methodIDs() []string {
	var ids []string
	for _, m := range methods {
		ids = append(ids, m.id)
	}
	return ids
}

// ---- luagen -------------------------------------------------------------

func luagenPipeline(e *env, ks *keyset, batch int) (pipeFunc, callFunc) {
	return luagenPipeline2(e, ks, batch, false)
}

// luagenPipelineOrdered is luagenPipeline with Batch.KeepOrder: a SCRIPT
// LOAD per node ahead of its calls in every batch.
func luagenPipelineOrdered(e *env, ks *keyset, batch int) (pipeFunc, callFunc) {
	return luagenPipeline2(e, ks, batch, true)
}

func luagenPipeline2(e *env, ks *keyset, batch int, ordered bool) (pipeFunc, callFunc) {
	sc := e.dep.lg
	newPipe := sc.Pipeline
	if ordered {
		newPipe = func() gen.Pipeline {
			p := sc.Pipeline()
			p.Batch().KeepOrder()
			return p
		}
	}
	if e.script.label == scriptSizes["4k"].label {
		return pipeCalls(newPipe, batch, func(p gen.Pipeline, i int) runtime.Future[gen.TakeTokensDocResult] {
			return p.TakeTokensDoc(ks[i][0], ks[i][1], takeStr, capacityStr)
		}, func(r gen.TakeTokensDocResult) bool { return r.Allowed && r.Remaining >= 0 }), nil
	}
	return pipeCalls(newPipe, batch, func(p gen.Pipeline, i int) runtime.Future[gen.TakeTokensResult] {
		return p.TakeTokens(ks[i][0], ks[i][1], takeStr, capacityStr)
	}, func(r gen.TakeTokensResult) bool { return r.Allowed && r.Remaining >= 0 }), nil
}

func luagenPipelineTyped(e *env, ks *keyset, batch int) (pipeFunc, callFunc) {
	sc := e.dep.lg
	if e.script.label == scriptSizes["4k"].label {
		return pipeCalls(sc.Pipeline, batch, func(p gen.Pipeline, i int) runtime.Future[gen.TakeTokensDocTypedResult] {
			return p.TakeTokensDocTyped(ks[i][0], ks[i][1], takeN, capacity)
		}, func(r gen.TakeTokensDocTypedResult) bool { return r.Allowed && r.Remaining >= 0 }), nil
	}
	return pipeCalls(sc.Pipeline, batch, func(p gen.Pipeline, i int) runtime.Future[gen.TakeTokensTypedResult] {
		return p.TakeTokensTyped(ks[i][0], ks[i][1], takeN, capacity)
	}, func(r gen.TakeTokensTypedResult) bool { return r.Allowed && r.Remaining >= 0 }), nil
}

// luagenPipelinePrefix is luagenPipeline on the same script with its first
// key declared a key prefix: every call also proves the prefix's hash tag is
// in the call's slot. Redis does the same work; the difference is that check.
func luagenPipelinePrefix(e *env, ks *keyset, batch int) (pipeFunc, callFunc) {
	sc := e.dep.lg
	if e.script.label == scriptSizes["4k"].label {
		return pipeCalls(sc.Pipeline, batch, func(p gen.Pipeline, i int) runtime.Future[gen.TakeTokensDocPrefixResult] {
			return p.TakeTokensDocPrefix(ks[i][0], ks[i][1], takeStr, capacityStr)
		}, func(r gen.TakeTokensDocPrefixResult) bool { return r.Allowed && r.Remaining >= 0 }), nil
	}
	return pipeCalls(sc.Pipeline, batch, func(p gen.Pipeline, i int) runtime.Future[gen.TakeTokensPrefixResult] {
		return p.TakeTokensPrefix(ks[i][0], ks[i][1], takeStr, capacityStr)
	}, func(r gen.TakeTokensPrefixResult) bool { return r.Allowed && r.Remaining >= 0 }), nil
}

// pipeCalls queues n calls on a generated Pipeline from newPipe, runs Exec
// and reads every future, as application code does.
func pipeCalls[P interface{ Exec(context.Context) error }, F interface{ Get() (R, error) }, R any](newPipe func() P, batch int, queue func(P, int) F, good func(R) bool) pipeFunc {
	futs := make([]F, batch)
	return func(ctx context.Context, off, n int) (int, error) {
		p := newPipe()
		for i := range n {
			futs[i] = queue(p, (off+i)&slotMask)
		}
		p.Exec(ctx) // errors are per call: read them from the futures
		return readFutures(futs[:n], good)
	}
}

// readFutures reads every future as application code does and reports how
// many hold a good result, and the first error.
func readFutures[R any, F interface{ Get() (R, error) }](futs []F, good func(R) bool) (ok int, first error) {
	for _, f := range futs {
		r, err := f.Get()
		if err == nil && !good(r) {
			err = errWrongReply
		}
		if err == nil {
			ok++
		} else if first == nil {
			first = err
		}
	}
	return ok, first
}

func luagenSingle(e *env, ks *keyset, _ int) (pipeFunc, callFunc) {
	sc := e.dep.lg
	if e.script.label == scriptSizes["4k"].label {
		return nil, singleCalls(ks, sc.TakeTokensDoc, func(r gen.TakeTokensDocResult) bool { return r.Allowed && r.Remaining >= 0 })
	}
	return nil, singleCalls(ks, sc.TakeTokens, func(r gen.TakeTokensResult) bool { return r.Allowed && r.Remaining >= 0 })
}

// singleCalls makes call j with take, a generated single-call method
// (TakeTokens or TakeTokensDoc of one of the bench's packages), on key
// pair j; good says whether its result is right.
func singleCalls[R any](ks *keyset, take func(ctx context.Context, bucket, log, n, capacity string) (R, error), good func(R) bool) callFunc {
	return func(ctx context.Context, j int) error {
		k := &ks[j&slotMask]
		r, err := take(ctx, k[0], k[1], takeStr, capacityStr)
		if err == nil && !good(r) {
			err = errWrongReply
		}
		return err
	}
}

// ---- rueidis ------------------------------------------------------------

// checkRueidis checks one {1, tokens} reply, decoded by hand.
func checkRueidis(res rueidis.RedisResult) error {
	arr, err := res.ToArray()
	if err != nil {
		return err
	}
	if len(arr) != 2 {
		return errWrongReply
	}
	allowed, err1 := arr[0].AsInt64()
	tokens, err2 := arr[1].AsInt64()
	if err1 != nil || err2 != nil || allowed != 1 || tokens < 0 {
		return errWrongReply
	}
	return nil
}

func checkAll(results []rueidis.RedisResult) (int, error) {
	ok := 0
	var first error
	for _, res := range results {
		if err := checkRueidis(res); err == nil {
			ok++
		} else if first == nil {
			first = err
		}
	}
	return ok, first
}

// doMultiEvalsha is the practical ceiling: EVALSHA commands built by hand
// and sent with one DoMulti, the script loaded beforehand. It has no
// NOSCRIPT fallback.
func doMultiEvalsha(e *env, ks *keyset, batch int) (pipeFunc, callFunc) {
	c := e.dep.rue
	sha := e.script.sha
	cmds := make(rueidis.Commands, batch)
	return func(ctx context.Context, off, n int) (int, error) {
		for i := range n {
			k := &ks[(off+i)&slotMask]
			cmds[i] = c.B().Evalsha().Sha1(sha).Numkeys(2).Key(k[0], k[1]).Arg(takeStr, capacityStr).Build()
		}
		return checkAll(c.DoMulti(ctx, cmds[:n]...))
	}, nil
}

func doMultiEval(e *env, ks *keyset, batch int) (pipeFunc, callFunc) {
	c := e.dep.rue
	src := e.script.src
	cmds := make(rueidis.Commands, batch)
	return func(ctx context.Context, off, n int) (int, error) {
		for i := range n {
			k := &ks[(off+i)&slotMask]
			cmds[i] = c.B().Eval().Script(src).Numkeys(2).Key(k[0], k[1]).Arg(takeStr, capacityStr).Build()
		}
		return checkAll(c.DoMulti(ctx, cmds[:n]...))
	}, nil
}

var stringArgs = []string{takeStr, capacityStr}

func execMulti(e *env, ks *keyset, batch int) (pipeFunc, callFunc) {
	c := e.dep.rue
	lua := e.lua
	execs := make([]rueidis.LuaExec, batch)
	return func(ctx context.Context, off, n int) (int, error) {
		for i := range n {
			execs[i] = rueidis.LuaExec{Keys: ks[(off+i)&slotMask][:], Args: stringArgs}
		}
		return checkAll(lua.ExecMulti(ctx, c, execs[:n]...))
	}, nil
}

func luaExec(e *env, ks *keyset, _ int) (pipeFunc, callFunc) {
	c := e.dep.rue
	lua := e.lua
	return nil, func(ctx context.Context, j int) error {
		return checkRueidis(lua.Exec(ctx, c, ks[j&slotMask][:], stringArgs))
	}
}

// ---- go-redis -----------------------------------------------------------

var anyArgs = []any{takeStr, capacityStr}

func checkGoredis(cmd *redis.Cmd) error {
	v, err := cmd.Result()
	if err != nil {
		return err
	}
	arr, ok := v.([]any)
	if !ok || len(arr) != 2 {
		return errWrongReply
	}
	allowed, ok1 := arr[0].(int64)
	tokens, ok2 := arr[1].(int64)
	if !ok1 || !ok2 || allowed != 1 || tokens < 0 {
		return fmt.Errorf("%w: %v", errWrongReply, arr)
	}
	return nil
}

// goredisPipeline sends EVALSHA (script loaded beforehand) in one go-redis
// pipeline, which the ClusterClient splits per node. go-redis has no
// NOSCRIPT fallback inside pipelines.
func goredisPipeline(e *env, ks *keyset, batch int) (pipeFunc, callFunc) {
	pipe := e.dep.gr.Pipeline()
	sha := e.script.sha
	cmds := make([]*redis.Cmd, batch)
	return func(ctx context.Context, off, n int) (int, error) {
		for i := range n {
			cmds[i] = pipe.EvalSha(ctx, sha, ks[(off+i)&slotMask][:], anyArgs...)
		}
		pipe.Exec(ctx) // errors are per command
		ok := 0
		var first error
		for _, cmd := range cmds[:n] {
			if err := checkGoredis(cmd); err == nil {
				ok++
			} else if first == nil {
				first = err
			}
		}
		return ok, first
	}, nil
}

func goredisRun(e *env, ks *keyset, _ int) (pipeFunc, callFunc) {
	gr := e.dep.gr
	s := e.grs
	return nil, func(ctx context.Context, j int) error {
		return checkGoredis(s.Run(ctx, gr, ks[j&slotMask][:], anyArgs...))
	}
}

// ---- luagen functions ---------------------------------------------------

// luagenFnPipeline is luagenPipeline on package genfn: the same scripts as
// the Redis Functions library luagen_bench, sent by FCALL.
func luagenFnPipeline(e *env, ks *keyset, batch int) (pipeFunc, callFunc) {
	sc := e.dep.lgfn
	if e.script.label == scriptSizes["4k"].label {
		return pipeCalls(sc.Pipeline, batch, func(p genfn.Pipeline, i int) runtime.Future[genfn.TakeTokensDocResult] {
			return p.TakeTokensDoc(ks[i][0], ks[i][1], takeStr, capacityStr)
		}, func(r genfn.TakeTokensDocResult) bool { return r.Allowed && r.Remaining >= 0 }), nil
	}
	return pipeCalls(sc.Pipeline, batch, func(p genfn.Pipeline, i int) runtime.Future[genfn.TakeTokensResult] {
		return p.TakeTokens(ks[i][0], ks[i][1], takeStr, capacityStr)
	}, func(r genfn.TakeTokensResult) bool { return r.Allowed && r.Remaining >= 0 }), nil
}

func luagenFnSingle(e *env, ks *keyset, _ int) (pipeFunc, callFunc) {
	sc := e.dep.lgfn
	if e.script.label == scriptSizes["4k"].label {
		return nil, singleCalls(ks, sc.TakeTokensDoc, func(r genfn.TakeTokensDocResult) bool { return r.Allowed && r.Remaining >= 0 })
	}
	return nil, singleCalls(ks, sc.TakeTokens, func(r genfn.TakeTokensResult) bool { return r.Allowed && r.Remaining >= 0 })
}

// doMultiFcall is doMultiEvalsha for functions: FCALL commands built by
// hand and sent with one DoMulti, the library loaded beforehand. It has no
// recovery when a node lacks the library.
func doMultiFcall(e *env, ks *keyset, batch int) (pipeFunc, callFunc) {
	c := e.dep.rue
	fn := "take_tokens"
	if e.script.label == scriptSizes["4k"].label {
		fn = "take_tokens_doc"
	}
	cmds := make(rueidis.Commands, batch)
	return func(ctx context.Context, off, n int) (int, error) {
		for i := range n {
			k := &ks[(off+i)&slotMask]
			cmds[i] = c.B().Fcall().Function(fn).Numkeys(2).Key(k[0], k[1]).Arg(takeStr, capacityStr).Build()
		}
		return checkAll(c.DoMulti(ctx, cmds[:n]...))
	}, nil
}

// ---- luagen on go-redis -------------------------------------------------

// luagenGrPipeline is luagenPipeline on package genredis (client: go-redis),
// on the go-redis client the go-redis methods use: the peer is goredis.
func luagenGrPipeline(e *env, ks *keyset, batch int) (pipeFunc, callFunc) {
	sc := e.dep.lgr
	if e.script.label == scriptSizes["4k"].label {
		return pipeCalls(sc.Pipeline, batch, func(p genredis.Pipeline, i int) goredis.Future[genredis.TakeTokensDocResult] {
			return p.TakeTokensDoc(ks[i][0], ks[i][1], takeStr, capacityStr)
		}, func(r genredis.TakeTokensDocResult) bool { return r.Allowed && r.Remaining >= 0 }), nil
	}
	return pipeCalls(sc.Pipeline, batch, func(p genredis.Pipeline, i int) goredis.Future[genredis.TakeTokensResult] {
		return p.TakeTokens(ks[i][0], ks[i][1], takeStr, capacityStr)
	}, func(r genredis.TakeTokensResult) bool { return r.Allowed && r.Remaining >= 0 }), nil
}

// luagenGrSingle is luagenSingle on package genredis: generated single
// calls on the go-redis client goredis-x (Script.Run) uses.
func luagenGrSingle(e *env, ks *keyset, _ int) (pipeFunc, callFunc) {
	return luagenGrSingle2(e.dep.lgr, e, ks)
}

// luagenGrSingleAP is luagenGrSingle with goredis.WithAutoPipeline: the
// runner's single calls go through the client's autopipeliner (go-redis's
// blocking face, default options), so concurrent calls share pipelines.
func luagenGrSingleAP(e *env, ks *keyset, _ int) (pipeFunc, callFunc) {
	return luagenGrSingle2(e.dep.lgrap, e, ks)
}

// goredisRunAP is goredisRun on go-redis's autopipeliner.
func goredisRunAP(e *env, ks *keyset, _ int) (pipeFunc, callFunc) {
	ap := e.dep.grap
	s := e.grs
	return nil, func(ctx context.Context, j int) error {
		return checkGoredis(s.Run(ctx, ap, ks[j&slotMask][:], anyArgs...))
	}
}

func luagenGrSingle2(sc *genredis.Scripts, e *env, ks *keyset) (pipeFunc, callFunc) {
	if e.script.label == scriptSizes["4k"].label {
		return nil, singleCalls(ks, sc.TakeTokensDoc, func(r genredis.TakeTokensDocResult) bool { return r.Allowed && r.Remaining >= 0 })
	}
	return nil, singleCalls(ks, sc.TakeTokens, func(r genredis.TakeTokensResult) bool { return r.Allowed && r.Remaining >= 0 })
}

package core

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/luagen/luagen/internal/rt"
)

// Batch is a pipeline of script calls and plain commands, sent by Exec in
// one go-redis pipeline: one round trip per node. Queue calls from one
// goroutine; a batch runs once.
type Batch struct {
	r *Runner
	n int32 // calls queued, those added after Exec (ErrExecuted) included
	// buf holds what is needed only until Exec returns; Exec gives it back
	// to bufPool, so a program running batches in a loop allocates little
	// more per call than the go-redis command itself.
	buf *batchBuf
	// cmds[i] is the command last sent for call i: it holds the reply. Exec
	// sets it.
	cmds     []*redis.Cmd
	errs     map[int32]error // calls that failed before they could be sent
	executed bool
	ordered  bool // see KeepOrder
}

type batchBuf struct {
	calls []call
	// strs holds every call's keys then args back to back; the commands
	// point into it, so a slice the commands point into is not written to
	// again until Exec returned.
	strs []string
	// plain holds the plain commands' args, as Do got them.
	plain [][]any
	// slab is where the commands' arguments are cut from; a retry round
	// cuts after the earlier rounds' arguments.
	slab []any
	// cmders is what a pipeline is given; pending the calls of a round.
	cmders  []redis.Cmder
	pending []int32
}

type call struct {
	script *Script // nil for a plain command
	// cmd is the command last sent for the call: it holds the reply.
	cmd   *redis.Cmd
	off   int32 // start of keys in strs; for a plain command, its index in plain
	nkeys int32 // number of keys, then args, after off
	nargs int32
	// failed: failed before it could be sent (see Batch.errs); eval: send by
	// EVAL (loading did not help, or is refused); withLoad: send behind a
	// SCRIPT LOAD of its script on its node.
	failed, eval, withLoad bool
	// noscripts and retries count the NOSCRIPT and other did-not-run
	// replies it got; round is the round it was last sent in.
	noscripts, retries, round uint8
}

var bufPool sync.Pool // of *batchBuf

// maxPooledCalls caps the batches whose buffers are kept for reuse, so that
// one huge batch does not pin its memory.
const maxPooledCalls = 1 << 16

// NewBatch starts an empty batch on r.
func (r *Runner) NewBatch() *Batch {
	buf, _ := bufPool.Get().(*batchBuf)
	if buf == nil {
		// Size the batch like the last one this runner ran (capped):
		// growing the slices call by call was most of a batch's
		// client-side garbage.
		calls, strs := min(r.lastCalls.Load(), maxBatchHint), min(r.lastStrs.Load(), 4*maxBatchHint)
		buf = &batchBuf{calls: make([]call, 0, calls), strs: make([]string, 0, strs)}
	}
	return &Batch{r: r, buf: buf}
}

// maxBatchHint caps the size a new batch is given up front, so that one huge
// batch does not make every later one huge.
const maxBatchHint = 4096

// release clears buf of references and returns it to the pool. go-redis
// is done with the commands when its pipeline's Exec returns (it waits
// for every node's connection), so the commands' arguments may be reused.
func (buf *batchBuf) release() {
	if cap(buf.calls) > maxPooledCalls || cap(buf.strs) > 4*maxPooledCalls || cap(buf.slab) > 8*maxPooledCalls {
		return
	}
	clear(buf.calls)
	clear(buf.strs)
	clear(buf.plain)
	clear(buf.slab)
	clear(buf.cmders)
	buf.calls, buf.strs, buf.plain, buf.slab = buf.calls[:0], buf.strs[:0], buf.plain[:0], buf.slab[:0]
	buf.cmders, buf.pending = buf.cmders[:0], buf.pending[:0]
	bufPool.Put(buf)
}

// args cuts n arguments from the slab, after those handed out before.
func (buf *batchBuf) args(n int) []any {
	if cap(buf.slab)-len(buf.slab) < n {
		// The old slab stays with the commands cut from it.
		buf.slab = make([]any, 0, max(n, 2*cap(buf.slab)))
	}
	l := len(buf.slab)
	buf.slab = buf.slab[:l+n]
	return buf.slab[l : l+n : l+n]
}

// Len is the number of queued calls.
func (b *Batch) Len() int { return int(b.n) }

// KeepOrder makes Exec keep every node's queue order even when a node has
// lost the batch's scripts: each script the batch calls on a node is loaded
// ahead of the node's calls in the same pipeline.
func (b *Batch) KeepOrder() { b.ordered = true }

// Future is the result of one queued call, ready once Exec returned.
type Future[T any] struct {
	b   *Batch
	s   *Script // nil for a plain command
	i   int32
	dec func(any) (T, error)
}

// Get returns the call's result or its error: ErrNotExecuted before Exec, a
// *CrossSlotError or *ArgumentError for a call that was never sent, a
// *ScriptError for an error reply, a *ReplyError for a reply of the wrong
// shape, or the network or context error. A plain command's future gives
// its value as Cmd.Val does, and its error as Cmd.Err (redis.Nil for a nil
// reply).
func (f Future[T]) Get() (T, error) {
	var zero T
	b := f.b
	if b == nil {
		return zero, rt.ErrNotExecuted
	}
	if b.errs != nil {
		if err, ok := b.errs[f.i]; ok {
			return zero, err
		}
	}
	if !b.executed {
		return zero, rt.ErrNotExecuted
	}
	cmd := b.cmds[f.i]
	if f.s == nil {
		if err := cmd.Err(); err != nil {
			return zero, err
		}
		return f.dec(cmd.Val())
	}
	return result(f.s, cmd, f.dec)
}

// Err returns the call's error, nil when it succeeded (see Get).
func (f Future[T]) Err() error {
	_, err := f.Get()
	return err
}

// Add adds a script call to b and returns its index for NewFuture; keys and
// args are copied, not retained.
func (b *Batch) Add(s *Script, keys, args []string) int {
	if b.executed {
		return b.fail(rt.ErrExecuted)
	}
	buf := b.buf
	off := len(buf.strs)
	buf.strs = append(buf.strs, keys...)
	buf.strs = append(buf.strs, args...)
	if b.r.slotCheck {
		ka := buf.strs[off:]
		var first uint16
		if len(keys) > 0 {
			first = rt.Slot(keys[0])
		}
		if err := rt.CheckSlots(s, ka, len(keys), first); err != nil {
			buf.strs = buf.strs[:off]
			return b.fail(err)
		}
	}
	buf.calls = append(buf.calls, call{script: s, off: int32(off), nkeys: int32(len(keys)), nargs: int32(len(args))})
	b.n++
	return int(b.n - 1)
}

// fail queues a call that failed before it could be sent and returns its
// index; its future returns err.
func (b *Batch) fail(err error) int {
	if !b.executed { // keep call i at index i
		b.buf.calls = append(b.buf.calls, call{failed: true})
	}
	if b.errs == nil {
		b.errs = make(map[int32]error)
	}
	b.errs[b.n] = err
	b.n++
	return int(b.n - 1)
}

// NewFuture returns the future of call i of b (from Add), decoded by decode.
func NewFuture[T any](b *Batch, i int, decode func(any) (T, error)) Future[T] {
	f := Future[T]{b: b, i: int32(i), dec: decode}
	if b.buf != nil && i < len(b.buf.calls) {
		f.s = b.buf.calls[i].script
	}
	return f
}

// Fail adds a call that failed before it could be sent, such as one whose
// argument could not be encoded. Its future returns err.
func Fail[T any](b *Batch, s *Script, err error) Future[T] {
	return Future[T]{b: b, s: s, i: int32(b.fail(err))}
}

// decodeRaw returns a plain command's value as is.
func decodeRaw(v any) (any, error) { return v, nil }

// Do adds a plain command, args as go-redis's Client.Do takes them. Its
// future gives the value as Cmd.Val does (a nil reply is redis.Nil).
func (b *Batch) Do(args ...any) Future[any] {
	f := Future[any]{b: b, dec: decodeRaw}
	if b.executed {
		f.i = int32(b.fail(rt.ErrExecuted))
		return f
	}
	buf := b.buf
	buf.plain = append(buf.plain, args)
	buf.calls = append(buf.calls, call{off: int32(len(buf.plain) - 1)})
	f.i = b.n
	b.n++
	return f
}

// maxRounds bounds the rounds the hooks tell apart: NOSCRIPT recovery takes
// at most three, and other retries are at most rt.MaxTryAgainRetries.
const maxRounds = 4 + rt.MaxTryAgainRetries

// Exec sends every queued call and fills the futures. It returns nil when
// every call got a reply that is not an error, else a *BatchError (or
// ErrExecuted on a second Exec).
func (b *Batch) Exec(ctx context.Context) error {
	if b.executed {
		return rt.ErrExecuted
	}
	b.executed = true
	r, buf := b.r, b.buf
	calls := buf.calls
	if n := int64(len(calls)); n != r.lastCalls.Load() {
		r.lastCalls.Store(n) // written only on change: shared by every goroutine
		r.lastStrs.Store(int64(len(buf.strs)))
	}
	hooked := r.hooks.Call != nil || r.hooks.Batch != nil
	var start time.Time
	var ends [maxRounds]time.Duration // when each round ended, for the hooks
	if hooked {
		start = time.Now()
	}
	var sum rt.Failures
	pending := buf.pending[:0]
	for i := range calls {
		if calls[i].failed {
			sum.Add(int32(i), b.errs[int32(i)])
		} else {
			pending = append(pending, int32(i))
		}
	}
	if r.fn.Unknown() {
		for i := range calls {
			if c := &calls[i]; c.script != nil && c.script.Library() != nil {
				r.functions(ctx)
				break
			}
		}
	}
	if b.ordered && r.kind == kindOther {
		// A Ring: the runner cannot put a load next to a shard's calls.
		r.loadScripts(ctx, 0, b.scriptsOf(pending), true)
	}
	nodes := 0
	if r.hooks.Batch != nil {
		nodes = b.countNodes(ctx, pending)
	}
	retries, round := 0, 0
	for ; len(pending) > 0; round++ {
		b.build(ctx, pending)
		sent := r.loads.Epoch()
		all := round == 0 && b.ordered
		if r.kind != kindOther && (all || b.anyWithLoad(pending)) {
			b.sendWithLoads(ctx, pending, all)
		} else {
			pipe, _ := r.pipes.Get().(redis.Pipeliner)
			if pipe == nil {
				pipe = r.client.Pipeline()
			}
			buf.cmders = b.sendPipeline(ctx, pipe, pending, buf.cmders[:0])
			r.pipes.Put(pipe)
		}
		if hooked {
			ends[min(round, maxRounds-1)] = time.Since(start)
		}
		var noscript, again []int32
		refreshed := false
		for _, i := range pending {
			c := &calls[i]
			c.round = uint8(min(round, maxRounds-1))
			kind, msg := classify(c.cmd.Err())
			if !refreshed {
				refreshed = r.refresh(ctx, kind, msg) // once per round is enough
			}
			switch {
			case c.script == nil && kind == replyRedirect:
				// Sent to a node by a KeepOrder batch, which no longer
				// serves its slot: it did not run; go-redis routes it next.
				again = append(again, i)
			case c.script == nil:
				sum.Add(i, plainErr(c.cmd.Err()))
			case !c.eval && r.isMissing(c.script, kind, msg): // EVAL cannot miss
				noscript = append(noscript, i)
			case kind == replyNotRun, kind == replyRedirect:
				again = append(again, i)
			default:
				sum.Add(i, scriptError(c.script, c.cmd.Err()))
			}
		}
		if len(noscript) > 0 {
			b.recover(ctx, sent, noscript)
		}
		if len(again) > 0 {
			limit := rt.MaxRetries
			for _, i := range again {
				_, msg := classify(calls[i].cmd.Err())
				limit = max(limit, rt.RetryCap(msg))
			}
			if retries >= limit || !rt.Backoff(ctx, retries) {
				for _, i := range again { // their TRYAGAIN-like replies stand
					c := &calls[i]
					if c.script == nil {
						sum.Add(i, plainErr(c.cmd.Err()))
					} else {
						sum.Add(i, scriptError(c.script, c.cmd.Err()))
					}
				}
				again = again[:0]
			}
			retries++
			for _, i := range again {
				calls[i].retries++
			}
		}
		pending = append(append(pending[:0], noscript...), again...)
		slices.Sort(pending) // queue order within each node
	}
	buf.pending = pending
	if hooked {
		b.report(ctx, start, &ends, round, nodes, sum.Failed)
	}
	b.cmds = make([]*redis.Cmd, len(calls))
	for i := range calls {
		b.cmds[i] = calls[i].cmd // nil for a call that failed early
	}
	b.buf = nil
	buf.release()
	return sum.Err(int(b.n))
}

// plainErr is the error a plain command's future holds: none for a nil
// reply, which its Get reports as redis.Nil.
func plainErr(err error) error {
	if err == redis.Nil {
		return nil
	}
	return err
}

// build makes the commands of calls idx, their arguments in one slice.
func (b *Batch) build(ctx context.Context, idx []int32) {
	buf := b.buf
	n := 0
	for _, i := range idx {
		if c := &buf.calls[i]; c.script != nil {
			n += 3 + int(c.nkeys+c.nargs)
		}
	}
	slab := buf.args(n)
	for _, i := range idx {
		c := &buf.calls[i]
		if c.script == nil {
			c.cmd = redis.NewCmd(ctx, buf.plain[c.off]...)
			continue
		}
		m := 3 + int(c.nkeys+c.nargs)
		args := slab[:m:m]
		slab = slab[m:]
		c.cmd = b.r.command(ctx, c.script, buf.strs[c.off:c.off+c.nkeys+c.nargs], int(c.nkeys), c.eval, args).Cmd
	}
}

// cmder is what a pipeline gets for call c: script calls are NoRetry.
func (c *call) cmder() redis.Cmder {
	if c.script == nil {
		return c.cmd
	}
	return scriptCmd{c.cmd}
}

// sendPipeline sends the commands of calls idx in pipe, handed over in
// cmders (one append into the pipeline's list rather than one per call);
// it returns cmders.
func (b *Batch) sendPipeline(ctx context.Context, pipe redis.Pipeliner, idx []int32, cmders []redis.Cmder) []redis.Cmder {
	for _, i := range idx {
		cmders = append(cmders, b.buf.calls[i].cmder())
	}
	_ = pipe.BatchProcess(ctx, cmders...)
	_, _ = pipe.Exec(ctx)
	return cmders
}

func (b *Batch) anyWithLoad(idx []int32) bool {
	for _, i := range idx {
		if b.buf.calls[i].withLoad {
			return true
		}
	}
	return false
}

// group is the calls of a batch that go to one node, behind the loads of
// their scripts.
type group struct {
	node  *redis.Client // nil: the client's own routing, without loads
	calls []int32
	seen  []*Script // scripts given a load, or an EVAL while loads are refused
	loads []*Script
	cmds  []*redis.Cmd // the loads' commands
}

// sendWithLoads sends calls idx behind one SCRIPT LOAD per script and node
// for the calls that need one (every script call when all is set, else
// those marked withLoad): one pipeline per node, in parallel; on a node,
// the loads go first. While SCRIPT LOAD is refused, the first such call of
// each script on each node is sent by EVAL instead, which caches the
// script for the calls after it. On a cluster, calls are grouped by the
// master MasterForKey names for their key (a plain command's first key as
// COMMAND gives its position); calls and plain commands without one go in
// a cluster pipeline of their own, without loads.
func (b *Batch) sendWithLoads(ctx context.Context, idx []int32, all bool) {
	r := b.r
	var groups []*group
	byNode := make(map[*redis.Client]*group)
	var rest *group
	for _, i := range idx {
		c := &b.buf.calls[i]
		var node *redis.Client
		switch r.kind {
		case kindNode:
			node = r.client.(*redis.Client)
		case kindCluster:
			var key string
			var ok bool
			if c.script != nil {
				key, ok = routingKey(c.script, b.buf.strs[c.off:c.off+c.nkeys+c.nargs], int(c.nkeys))
			} else if all {
				key, ok = r.plainKey(ctx, b.buf.plain[c.off])
			}
			if ok {
				n, err := r.cc.MasterForKey(ctx, key)
				if err != nil {
					c.cmd.SetErr(err)
					continue
				}
				node = n
			}
		}
		var g *group
		if node == nil {
			if rest == nil {
				rest = &group{}
			}
			g = rest
		} else if g = byNode[node]; g == nil {
			g = &group{node: node}
			byNode[node] = g
			groups = append(groups, g)
		}
		g.calls = append(g.calls, i)
		if node == nil || c.script == nil || c.eval || !(all || c.withLoad) {
			continue
		}
		u := r.unit(c.script)
		if slices.Contains(g.seen, u) {
			continue
		}
		g.seen = append(g.seen, u)
		if r.loads.Refused() {
			c.eval = true
			c.cmd = r.command(ctx, c.script, b.buf.strs[c.off:c.off+c.nkeys+c.nargs], int(c.nkeys), true, nil).Cmd
			continue
		}
		g.loads = append(g.loads, u)
		g.cmds = append(g.cmds, unitLoadCmd(ctx, u, all))
	}
	if rest != nil {
		groups = append(groups, rest)
	}
	run := func(g *group) {
		if g.node == nil {
			b.sendPipeline(ctx, r.client.Pipeline(), g.calls, nil)
			return
		}
		pipe := g.node.Pipeline()
		for _, cmd := range g.cmds {
			_ = pipe.Process(ctx, scriptCmd{cmd})
		}
		b.sendPipeline(ctx, pipe, g.calls, nil)
	}
	if len(groups) == 1 {
		run(groups[0])
	} else {
		var wg sync.WaitGroup
		for _, g := range groups {
			wg.Go(func() { run(g) })
		}
		wg.Wait()
	}
	for _, g := range groups {
		for j, s := range g.loads {
			r.loaded(s, g.cmds[j]) // a failed load shows as NOSCRIPT on the calls
		}
	}
}

// recover prepares NOSCRIPT calls to be sent again (see rt.ResendAfter). A
// NOSCRIPT reply means the script did not run, so this never doubles a call.
func (b *Batch) recover(ctx context.Context, sent uint64, noscript []int32) {
	r := b.r
	refused := r.loads.Refused()
	var loadAll []int32
	for _, i := range noscript {
		c := &b.buf.calls[i]
		c.noscripts++
		c.withLoad = false
		pipelined := r.pipelined(c.script, b.buf.strs[c.off:c.off+c.nkeys+c.nargs], int(c.nkeys))
		switch rt.ResendAfter(c.noscripts, pipelined, refused) {
		case rt.ResendWithLoad:
			c.withLoad = true
		case rt.ResendAfterLoadAll:
			loadAll = append(loadAll, i)
		default:
			c.eval = true
		}
	}
	if len(loadAll) == 0 {
		return
	}
	failed := r.loadScripts(ctx, sent, b.scriptsOf(loadAll), false)
	for _, i := range loadAll {
		if c := &b.buf.calls[i]; failed[r.unit(c.script)] {
			c.eval = true
		}
	}
}

// scriptsOf lists what is loaded for the given calls: their distinct
// scripts, or their libraries (see Runner.unit).
func (b *Batch) scriptsOf(idx []int32) []*Script {
	var out []*Script
	for _, i := range idx {
		s := b.buf.calls[i].script
		if s == nil {
			continue
		}
		if s = b.r.unit(s); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// loadScripts makes sure each script is loaded on every node and returns
// those that could not be (their calls fall back to EVAL).
func (r *Runner) loadScripts(ctx context.Context, sent uint64, scripts []*Script, force bool) map[*Script]bool {
	failed := make(map[*Script]bool)
	if r.loads.Refused() {
		for _, s := range scripts {
			failed[s] = true
		}
		return failed
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, s := range scripts {
		wg.Go(func() {
			if err := r.ensureLoaded(ctx, s, sent, force); err != nil {
				mu.Lock()
				failed[s] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return failed
}

// countNodes is the number of nodes calls idx go to first, 0 when unknown.
func (b *Batch) countNodes(ctx context.Context, idx []int32) int {
	switch b.r.kind {
	case kindNode:
		return 1
	case kindOther:
		return 0
	}
	seen := make(map[*redis.Client]bool)
	for _, i := range idx {
		c := &b.buf.calls[i]
		if c.script == nil {
			continue
		}
		if key, ok := routingKey(c.script, b.buf.strs[c.off:c.off+c.nkeys+c.nargs], int(c.nkeys)); ok {
			if n, err := b.r.cc.MasterForKey(ctx, key); err == nil {
				seen[n] = true
			}
		}
	}
	return len(seen)
}

// report tells the hooks how the batch's script calls and the batch ended;
// ends[n] is when round n ended.
func (b *Batch) report(ctx context.Context, start time.Time, ends *[maxRounds]time.Duration, rounds, nodes, failed int) {
	r := b.r
	if r.hooks.Call != nil {
		for i := range b.buf.calls {
			c := &b.buf.calls[i]
			if c.script == nil || c.failed {
				continue
			}
			r.callHook(ctx, c.script, true, start, ends[c.round], c.cmd.Err(), c.noscripts, c.retries)
		}
	}
	if r.hooks.Batch != nil {
		r.hooks.Batch(ctx, BatchInfo{Size: int(b.n), Nodes: nodes, Rounds: rounds, Failed: failed, Start: start, Duration: time.Since(start)})
	}
}

// plainKey returns the first key of a plain command, args as Do got them,
// by the position COMMAND gives for its name (read once per runner, when
// a KeepOrder batch first needs it); ok is false for a command without
// keys or with keys COMMAND cannot place (movable keys, subcommands).
func (r *Runner) plainKey(ctx context.Context, args []any) (string, bool) {
	if len(args) == 0 {
		return "", false
	}
	pos := r.keyPositions(ctx)[strings.ToLower(argString(args[0]))]
	if pos <= 0 || int(pos) >= len(args) {
		return "", false
	}
	return argString(args[pos]), true
}

// keyPositions maps command names to the position of their first key, as
// COMMAND says; empty while it could not be read.
func (r *Runner) keyPositions(ctx context.Context) map[string]int8 {
	if m := r.keyPos.Load(); m != nil {
		return *m
	}
	r.keyPosMu.Lock()
	defer r.keyPosMu.Unlock()
	if m := r.keyPos.Load(); m != nil {
		return *m
	}
	infos, err := r.client.Command(ctx).Result()
	if err != nil {
		return nil
	}
	m := make(map[string]int8, len(infos))
	for name, info := range infos {
		m[strings.ToLower(name)] = info.FirstKeyPos
	}
	r.keyPos.Store(&m)
	return m
}

// argString is an argument as go-redis writes it.
func argString(a any) string {
	switch v := a.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case *string:
		if v != nil {
			return *v
		}
		return ""
	}
	return fmt.Sprint(a)
}

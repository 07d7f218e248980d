package core

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/redis/rueidis"

	"github.com/luagen/luagen/internal/rt"
)

// Batch is a pipeline of script calls and plain commands, sent by Exec in
// one rueidis DoMulti: one round trip per node. Queue calls from one
// goroutine; a batch runs once.
type Batch struct {
	r *Runner
	n int32 // calls queued, those added after Exec (ErrExecuted) included
	// buf holds what is needed only until Exec returns; Exec gives it back
	// to bufPool, so a program running batches in a loop allocates nothing
	// per batch but what rueidis does.
	buf *batchBuf
	// res holds the replies, res[i] for call i: when every call was sent in
	// order, the slice DoMulti returned, kept as is.
	res []rueidis.RedisResult
	// errs holds the calls that failed before they could be sent (rare).
	errs     map[int32]error
	executed bool
	// ordered: see KeepOrder.
	ordered bool
	// dropped is set when a reply carried a transport or context error:
	// rueidis's writer may still be reading the commands DoMulti was given
	// (a standalone or sentinel pipe fails the calls it queued before
	// writing them), so that slice is never written to or reused again.
	dropped bool
	// keyless: a command without keys was queued (see routeKeyless).
	keyless bool
	// fnUnknown: a library's script was queued before the runner knew
	// whether the server has Functions; Exec finds out and, if it has,
	// builds those calls again as FCALL.
	fnUnknown bool
}

type batchBuf struct {
	calls []call
	// strs holds every call's keys then args back to back, so a call that
	// comes back NOSCRIPT can be rebuilt after rueidis recycled its command.
	strs []string
	// cmds[i] is call i's first command, built by Add or given to Do (zero
	// for a call that failed before it could be sent): when no call failed,
	// Exec hands cmds to DoMulti as it is.
	cmds    []rueidis.Completed
	pending []int32
	// send is cmds behind the SCRIPT LOADs that go ahead of them in the
	// same pipeline, and loads those SCRIPT LOADs' scripts; seen is the
	// (script, node) pairs given one.
	send  []rueidis.Completed
	loads []*Script
	// sendUsed and loadsUsed are the most of send and loads any round
	// used: what release clears (a pooled buffer may have served a much
	// larger batch, and clearing its whole capacity cost more than the
	// batch's own work).
	sendUsed, loadsUsed int
	seen                keySet
}

// loadKey is a script on a node: group is a cluster node's index in the
// runner's topology, or a slot while the runner has none, 0 for a
// standalone or sentinel client, -1 for keyless commands.
type loadKey struct {
	s     *Script
	group int32
}

// keySet is a set of loadKeys: a list while it is short (a batch calls a
// few scripts on a few nodes, and a scan of a few is cheaper than hashing),
// a map beyond.
type keySet struct {
	list []loadKey
	m    map[loadKey]struct{}
}

// add adds k and reports whether it was new.
func (ks *keySet) add(k loadKey) bool {
	if ks.m == nil {
		for _, x := range ks.list {
			if x == k {
				return false
			}
		}
		ks.list = append(ks.list, k)
		if len(ks.list) > 16 {
			ks.m = make(map[loadKey]struct{}, 2*len(ks.list))
			for _, x := range ks.list {
				ks.m[x] = struct{}{}
			}
		}
		return true
	}
	if _, ok := ks.m[k]; ok {
		return false
	}
	ks.m[k] = struct{}{}
	return true
}

// reset empties ks, keeping its list's memory but not a map (rare, and
// possibly large).
func (ks *keySet) reset() {
	clear(ks.list)
	ks.list, ks.m = ks.list[:0], nil
}

var bufPool sync.Pool // of *batchBuf

// maxPooledCalls caps the batches whose buffers are kept for reuse, so that
// one huge batch does not pin its memory.
const maxPooledCalls = 1 << 16

type call struct {
	script   *Script // nil for a plain command
	off      int32   // start of keys in strs
	nkeys    int32   // number of keys, then args, after off
	nargs    int32   //
	failed   bool    // failed before it could be sent: see Batch.errs
	eval     bool    // send by EVAL: loading did not help, or is refused
	withLoad bool    // send behind a SCRIPT LOAD of its script on its node
	// noscripts and retries count the NOSCRIPT and other did-not-run
	// replies it got; round is the round it was last sent in.
	noscripts, retries, round uint8
}

// NewBatch starts an empty batch on r.
func (r *Runner) NewBatch() *Batch {
	buf, _ := bufPool.Get().(*batchBuf)
	if buf == nil {
		// Size the batch like the last one this runner ran (capped):
		// growing the slices call by call was most of a batch's
		// client-side cost.
		calls, strs := r.lastCalls.Load(), r.lastStrs.Load()
		n := min(calls, maxBatchHint)
		buf = &batchBuf{calls: make([]call, 0, n), cmds: make([]rueidis.Completed, 0, n), strs: make([]string, 0, min(strs, 4*maxBatchHint))}
	}
	return &Batch{r: r, buf: buf}
}

// maxBatchHint caps the size a new batch is given up front, so that one huge
// batch does not make every later one huge.
const maxBatchHint = 4096

// release clears buf of references and returns it to the pool.
func (buf *batchBuf) release() {
	if cap(buf.calls) > maxPooledCalls || cap(buf.strs) > 4*maxPooledCalls {
		return
	}
	clear(buf.calls)
	clear(buf.strs)
	clear(buf.cmds) // rounds after the first reuse it, never past its length
	clear(buf.send[:buf.sendUsed])
	clear(buf.loads[:buf.loadsUsed])
	buf.calls, buf.strs, buf.cmds, buf.pending = buf.calls[:0], buf.strs[:0], buf.cmds[:0], buf.pending[:0]
	buf.send, buf.loads = buf.send[:0], buf.loads[:0]
	buf.sendUsed, buf.loadsUsed = 0, 0
	bufPool.Put(buf)
}

// Len is the number of queued calls.
func (b *Batch) Len() int { return int(b.n) }

// KeepOrder makes Exec keep every node's queue order even when a node has
// lost the batch's scripts: each script the batch calls on a node is loaded
// (SCRIPT LOAD) ahead of the node's calls in the same pipeline, so no call
// meets NOSCRIPT and runs after the rest. While SCRIPT LOAD is refused, the
// first call of each script on each node goes by EVAL instead. It costs a
// SCRIPT LOAD per script and node in every batch.
func (b *Batch) KeepOrder() { b.ordered = true }

// Future is the result of one queued call, ready once Exec returned.
type Future[T any] struct {
	b   *Batch
	s   *Script // nil for a plain command
	i   int32
	dec func(rueidis.RedisMessage) (T, error)
}

// Get returns the call's result or its error (runtime's types, made by
// Errors): ErrNotExecuted before Exec, a *CrossSlotError or *ArgumentError
// for a call that was never sent, a *ScriptError for an error reply, a
// *ReplyError for a reply of the wrong shape, or the network or context
// error.
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
	if f.s == nil {
		// A plain command: rueidis's own conventions, nil reply included.
		msg, err := b.res[f.i].ToMessage()
		if err != nil {
			return zero, err
		}
		return f.dec(msg)
	}
	return result(f.s, &b.res[f.i], f.dec)
}

// Err returns the call's error, nil when it succeeded (see Get).
func (f Future[T]) Err() error {
	_, err := f.Get()
	return err
}

// Add adds a script call to b and returns its index for NewFuture; keys and
// args are copied, not retained.
func (b *Batch) Add(s *Script, keys, args []string) int {
	if b.buf == nil {
		return b.fail(rt.ErrExecuted)
	}
	buf := b.buf
	off := len(buf.strs)
	buf.strs = append(buf.strs, keys...)
	buf.strs = append(buf.strs, args...)
	cmd, err := b.r.firstCommand(s, buf.strs[off:], len(keys))
	if err != nil {
		buf.strs = buf.strs[:off]
		return b.fail(err)
	}
	if s.Library() != nil && b.r.fn.Unknown() {
		b.fnUnknown = true
	}
	buf.calls = append(buf.calls, call{script: s, off: int32(off), nkeys: int32(len(keys)), nargs: int32(len(args))})
	buf.cmds = append(buf.cmds, cmd)
	if cmd.Slot() == keylessSlot {
		b.keyless = true
	}
	b.n++
	return int(b.n - 1)
}

// fail queues a call that failed before it could be sent and returns its
// index; its future returns err.
func (b *Batch) fail(err error) int {
	if b.buf != nil { // keep call i at index i
		b.buf.calls = append(b.buf.calls, call{failed: true})
		b.buf.cmds = append(b.buf.cmds, rueidis.Completed{})
	}
	if b.errs == nil {
		b.errs = make(map[int32]error)
	}
	b.errs[b.n] = err
	b.n++
	return int(b.n - 1)
}

// NewFuture returns the future of call i of b (from Add), decoded by decode.
func NewFuture[T any](b *Batch, i int, decode func(rueidis.RedisMessage) (T, error)) Future[T] {
	f := Future[T]{b: b, i: int32(i), dec: decode}
	if b.buf != nil {
		f.s = b.buf.calls[i].script
	}
	return f
}

// Fail adds a call that failed before it could be sent, such as one
// whose argument could not be encoded. Its future returns err.
func Fail[T any](b *Batch, s *Script, err error) Future[T] {
	return Future[T]{b: b, s: s, i: int32(b.fail(err))}
}

// decodeRaw returns a plain command's reply as is.
func decodeRaw(m rueidis.RedisMessage) (rueidis.RedisMessage, error) { return m, nil }

// Do adds a plain rueidis command, built with Runner.Client().B(). Its
// future follows rueidis's conventions (a nil reply is rueidis.Nil).
func (b *Batch) Do(cmd rueidis.Completed) Future[rueidis.RedisMessage] {
	f := Future[rueidis.RedisMessage]{b: b, dec: decodeRaw}
	if b.buf == nil {
		f.i = int32(b.fail(rt.ErrExecuted))
		return f
	}
	b.buf.calls = append(b.buf.calls, call{})
	b.buf.cmds = append(b.buf.cmds, cmd)
	if cmd.Slot() == keylessSlot {
		b.keyless = true
	}
	f.i = b.n
	b.n++
	return f
}

// Exec sends every queued call and fills the futures. It returns nil when
// every call got a reply that is not an error, else a *BatchError (or
// ErrExecuted on a second Exec). A reply of the wrong shape for its declared
// type is reported by that future's Get.
func (b *Batch) Exec(ctx context.Context) error {
	if b.executed {
		return rt.ErrExecuted
	}
	b.executed = true
	buf, r := b.buf, b.r
	if n := int64(len(buf.calls)); n != r.lastCalls.Load() {
		r.lastCalls.Store(n) // written only on change: shared by every goroutine
		r.lastStrs.Store(int64(len(buf.strs)))
	}
	hooked := r.hooks.Call != nil || r.hooks.Batch != nil
	var start time.Time
	var ends [maxRounds]time.Duration // when each round ended, for the hooks
	if hooked {
		start = time.Now()
	}

	if b.fnUnknown && r.functions(ctx) {
		for i := range buf.calls {
			if c := &buf.calls[i]; c.script != nil && c.script.Library() != nil && !c.failed {
				buf.cmds[i] = r.command(c.script, buf.strs[c.off:c.off+c.nkeys+c.nargs], int(c.nkeys), false)
			}
		}
	}
	var sum rt.Failures
	calls, cmds := buf.calls, buf.cmds
	// pending lists the calls to send, in queue order; nil means all of
	// them, as in the first round of a batch where none failed early.
	var pending []int32
	if b.errs != nil {
		pending = buf.pending[:0]
		for i := range calls {
			if calls[i].failed {
				sum.Add(int32(i), b.errs[int32(i)])
			} else {
				cmds[len(pending)] = cmds[i] // compact: the sent commands only
				pending = append(pending, int32(i))
			}
		}
		cmds = cmds[:len(pending)]
	}
	retries, nodes, round := 0, 0, 0
	for ; ; round++ {
		if round > 0 {
			if len(pending) == 0 {
				break
			}
			// rueidis recycled the commands it sent: build them again,
			// in a new slice when the last one may still be read.
			if b.dropped {
				cmds = make([]rueidis.Completed, 0, len(pending))
			} else {
				cmds = cmds[:0]
			}
			for _, i := range pending {
				c := &calls[i]
				cmds = append(cmds, r.command(c.script, buf.strs[c.off:c.off+c.nkeys+c.nargs], int(c.nkeys), c.eval))
			}
		}
		if len(cmds) == 0 {
			break
		}
		if r.cluster && b.keyless {
			routeKeyless(cmds)
		}
		if round == 0 && r.hooks.Batch != nil {
			nodes = r.countNodes(cmds)
		}
		send, loads := cmds, []*Script(nil)
		if (round == 0 && b.ordered) || round > 0 {
			send, loads = b.withLoads(cmds, pending, round == 0)
		}
		sent := r.loads.Epoch()
		noscript, again := b.send(ctx, send, loads, pending, &sum, round)
		if hooked {
			ends[min(round, maxRounds-1)] = time.Since(start)
		}
		if len(noscript) > 0 {
			b.recover(ctx, sent, noscript)
		}
		if len(again) > 0 {
			limit := rt.MaxRetries
			for _, i := range again {
				limit = max(limit, retryCap(&b.res[i]))
			}
			if retries >= limit || !backoff(ctx, retries) {
				for _, i := range again { // their TRYAGAIN-like replies stand
					sum.Add(i, replyErr(calls[i].script, &b.res[i]))
				}
				again = again[:0]
			}
			retries++
			for _, i := range again {
				calls[i].retries++
			}
		}
		pending = append(buf.pending[:0], noscript...)
		pending = append(pending, again...)
		slices.Sort(pending) // queue order within each node
	}
	buf.pending = pending
	if hooked {
		b.report(ctx, start, &ends, round, nodes, sum.Failed)
	}
	b.buf = nil
	// When a connection dropped or ctx ended while DoMulti waited, rueidis
	// returned early but its writer may still be sending the commands from
	// buf.cmds: the buffers must not be cleared or reused then.
	if !b.dropped && ctx.Err() == nil {
		buf.release()
	}
	return sum.Err(int(b.n))
}

// maxRounds bounds the rounds the hooks tell apart: NOSCRIPT recovery takes
// at most three, and other retries are at most rt.MaxRetries.
const maxRounds = 4 + rt.MaxRetries

// withLoads returns cmds, the commands of calls idx (nil: every call), behind
// one SCRIPT LOAD per script and node for the calls that need one (all
// script calls when all is set, else those marked withLoad), and the
// scripts of those loads. On a node, rueidis sends commands in the order
// they have in a DoMulti, so each load runs before the calls it is for.
// While SCRIPT LOAD is refused, the first such call of each script on each
// node is sent by EVAL instead, which caches the script for the calls after
// it.
func (b *Batch) withLoads(cmds []rueidis.Completed, idx []int32, all bool) ([]rueidis.Completed, []*Script) {
	buf, r := b.buf, b.r
	var t *topology
	if r.cluster {
		t = r.topology()
	}
	refused := r.loads.Refused()
	send, loads := buf.send[:0], buf.loads[:0]
	if b.dropped {
		send = nil // DoMulti may still read the last one
	}
	for j := range cmds {
		i := int32(j)
		if idx != nil {
			i = idx[j]
		}
		c := &buf.calls[i]
		if c.script == nil || c.eval || !(all || c.withLoad) {
			continue
		}
		slot := cmds[j].Slot()
		u := r.unit(c.script)
		if !buf.seen.add(loadKey{u, r.group(t, slot)}) {
			continue
		}
		if refused {
			c.eval = true
			cmd := r.command(c.script, buf.strs[c.off:c.off+c.nkeys+c.nargs], int(c.nkeys), true)
			if r.cluster && slot != keylessSlot {
				cmd = cmd.SetSlot(slotKey(slot)) // where routeKeyless sent it
			}
			cmds[j] = cmd
			continue
		}
		send = append(send, r.loadCommandKeep(u, slot, all))
		loads = append(loads, u)
	}
	buf.seen.reset()
	buf.loads = loads
	buf.loadsUsed = max(buf.loadsUsed, len(loads))
	if len(loads) == 0 {
		buf.send = send
		return cmds, nil
	}
	send = append(send, cmds...)
	buf.send = send
	buf.sendUsed = max(buf.sendUsed, len(send))
	return send, loads
}

// group is the loadKey group of a command of slot.
func (r *Runner) group(t *topology, slot uint16) int32 {
	switch {
	case !r.cluster:
		return 0
	case slot == keylessSlot:
		return -1
	case t != nil:
		return int32(t.node[slot&slotMask])
	default:
		return int32(slot & slotMask)
	}
}

// countNodes is the number of nodes cmds go to, 0 when unknown (a cluster
// whose map the runner has not read yet).
func (r *Runner) countNodes(cmds []rueidis.Completed) int {
	if !r.cluster {
		return 1
	}
	t := r.topology()
	if t == nil {
		return 0
	}
	var seen [16]uint64 // up to 1024 masters
	n := 0
	for i := range cmds {
		slot := cmds[i].Slot()
		g := 0
		if slot != keylessSlot {
			g = int(t.node[slot&slotMask])
		}
		if g >= len(seen)*64 {
			continue
		}
		if w, bit := g/64, uint64(1)<<(g%64); seen[w]&bit == 0 {
			seen[w] |= bit
			n++
		}
	}
	return n
}

// send runs cmds: the SCRIPT LOADs of loads, then the commands of calls idx
// (nil: of every call, in order), and stores each reply in its call. It
// returns the indexes of script calls that came back NOSCRIPT, and of those
// that got another reply meaning they did not run (see notRun); every other
// failed call is counted in sum.
func (b *Batch) send(ctx context.Context, cmds []rueidis.Completed, loads []*Script, idx []int32, sum *rt.Failures, round int) (noscript, again []int32) {
	results := b.r.client.DoMulti(ctx, cmds...)
	for j, s := range loads {
		if results[j].NonRedisError() != nil {
			b.dropped = true
		}
		b.r.loaded(s, results[j]) // a failed load shows as NOSCRIPT on the calls
	}
	results = results[len(loads):]
	if idx == nil {
		b.res = results // every call sent in queue order
	} else {
		if b.res == nil {
			b.res = make([]rueidis.RedisResult, b.n)
		}
		for j, res := range results {
			b.res[idx[j]] = res
		}
	}
	calls := b.buf.calls
	rnd := uint8(min(round, maxRounds-1))
	for j := range results {
		i := int32(j)
		if idx != nil {
			i = idx[j]
		}
		c := &calls[i]
		c.round = rnd
		// By pointer: a RedisResult is 80 bytes, and most replies are
		// not errors.
		res := &results[j]
		err := res.Error()
		if err == nil {
			continue
		}
		if _, ok := rueidis.IsRedisErr(err); !ok {
			b.dropped = true
		}
		switch {
		case c.script != nil && !c.eval && b.r.isMissing(c.script, *res): // EVAL cannot miss; if a server says so, that stands
			noscript = append(noscript, i)
		case c.script != nil && notRun(*res):
			again = append(again, i)
		default:
			sum.Add(i, replyErr(c.script, res))
		}
	}
	return noscript, again
}

// recover prepares NOSCRIPT calls to be sent again (see resend). A NOSCRIPT
// reply means the script did not run, so this never doubles a call.
func (b *Batch) recover(ctx context.Context, sent uint64, noscript []int32) {
	r := b.r
	// Loads go in the same pipeline as the calls when the runner knows which
	// node serves which slot: one load per script and node.
	pipelined := !r.cluster || r.topology() != nil
	var loadAll []int32
	calls := b.buf.calls
	for _, i := range noscript {
		c := &calls[i]
		if r.cluster && (c.withLoad || b.ordered) {
			// Its node had just loaded the script, as the runner's map
			// said: the map may be stale.
			r.topo.stale.Store(true)
		}
		c.noscripts++
		c.withLoad = false
		switch rt.ResendAfter(c.noscripts, pipelined, r.loads.Refused()) {
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
	failed := r.loadScripts(ctx, sent, b.scriptsOf(loadAll))
	for _, i := range loadAll {
		if c := &calls[i]; failed[r.unit(c.script)] {
			c.eval = true
		}
	}
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
			r.callHook(ctx, c.script, true, start, ends[c.round], &b.res[i], c.noscripts, c.retries)
		}
	}
	if r.hooks.Batch != nil {
		r.hooks.Batch(ctx, BatchInfo{Size: int(b.n), Nodes: nodes, Rounds: rounds, Failed: failed, Start: start, Duration: time.Since(start)})
	}
}

// scriptsOf lists the distinct scripts of the given calls.
func (b *Batch) scriptsOf(idx []int32) []*Script {
	var out []*Script
	seen := make(map[*Script]bool)
	for _, i := range idx {
		if s := b.r.unit(b.buf.calls[i].script); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// loadScripts makes sure each script is loaded on every node and returns
// those that could not be (their calls fall back to EVAL).
func (r *Runner) loadScripts(ctx context.Context, sent uint64, scripts []*Script) map[*Script]bool {
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
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.ensureLoaded(ctx, s, sent, false); err != nil {
				mu.Lock()
				failed[s] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return failed
}

// replyErr is the error a reply stands for: a transport error, or an error
// reply (an Errors.Script for a script's call, s not nil). A nil reply is not
// an error.
func replyErr(s *Script, res *rueidis.RedisResult) error {
	err := res.Error()
	if err == nil || rueidis.IsRedisNil(err) {
		return nil
	}
	if re, ok := rueidis.IsRedisErr(err); ok && s != nil {
		return scriptError(s, re)
	}
	return err
}

// routeKeyless gives commands without keys (zero-key scripts, keyless plain
// commands) the slot of the first keyed command: rueidis's cluster DoMulti
// cannot mix the two. A batch of only keyless commands is left alone.
func routeKeyless(cmds []rueidis.Completed) {
	target, keyless := -1, false
	for i := range cmds {
		if cmds[i].Slot() == keylessSlot {
			keyless = true
		} else if target < 0 {
			target = int(cmds[i].Slot())
		}
		if keyless && target >= 0 {
			break
		}
	}
	if !keyless || target < 0 {
		return
	}
	key := slotKey(uint16(target))
	for i := range cmds {
		if cmds[i].Slot() == keylessSlot {
			cmds[i] = cmds[i].SetSlot(key)
		}
	}
}

var (
	slotKeysOnce sync.Once
	slotKeys     [16384]string
)

// slotKey returns a short key that hashes to slot, for SetSlot.
func slotKey(slot uint16) string {
	slotKeysOnce.Do(func() {
		left := len(slotKeys)
		for n := 0; left > 0; n++ {
			k := strconv.Itoa(n)
			if s := rt.Slot(k); slotKeys[s] == "" {
				slotKeys[s] = k
				left--
			}
		}
	})
	return slotKeys[slot]
}

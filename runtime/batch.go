package runtime

import (
	"context"
	"slices"
	"sync"

	"github.com/redis/rueidis"
)

// Batch is a pipeline of script calls and plain commands, sent by Exec in
// one rueidis DoMulti: one round trip per node. Queue calls from one
// goroutine; a batch runs once.
type Batch struct {
	r     *Runner
	calls []call
	// strs holds every call's keys then args back to back, so a call that
	// comes back NOSCRIPT can be rebuilt after rueidis recycled its command,
	// without an allocation per call.
	strs []string
	// res holds the replies, res[i] for calls[i]: when every call was sent
	// in order, the slice DoMulti returned, kept as is.
	res      []rueidis.RedisResult
	executed bool
}

type call struct {
	script *Script           // nil for a plain command
	cmd    rueidis.Completed // plain commands only
	off    int32             // start of keys in Batch.strs
	nkeys  int32             // number of keys, then args, after off
	nargs  int32             //
	loaded bool              // its script was loaded after a NOSCRIPT
	eval   bool              // send by EVAL: loading did not help
	err    error             // why the call failed, if it did
}

// NewBatch starts an empty batch on r.
func (r *Runner) NewBatch() *Batch {
	// Size the batch like the last one this runner ran (capped): growing
	// the slices call by call was most of a batch's client-side cost.
	calls, strs := r.lastCalls.Load(), r.lastStrs.Load()
	return &Batch{r: r, calls: make([]call, 0, min(calls, maxBatchHint)), strs: make([]string, 0, min(strs, 4*maxBatchHint))}
}

// maxBatchHint caps the size a new batch is given up front, so that one huge
// batch does not make every later one huge.
const maxBatchHint = 4096

// Len is the number of queued calls.
func (b *Batch) Len() int { return len(b.calls) }

// Future is the result of one queued call, ready once Exec returned.
type Future[T any] struct {
	b   *Batch
	i   int32
	dec Decoder[T]
}

// Get returns the call's result or its error: ErrNotExecuted before Exec, a
// *CrossSlotError or *ArgumentError for a call that was never sent, a
// *ScriptError for an error reply, a *ReplyError for a reply of the wrong
// shape, or the network or context error.
func (f Future[T]) Get() (T, error) {
	var zero T
	if f.b == nil {
		return zero, ErrNotExecuted
	}
	c := &f.b.calls[f.i]
	if c.err != nil {
		return zero, c.err
	}
	if !f.b.executed {
		return zero, ErrNotExecuted
	}
	if c.script == nil {
		// A plain command: rueidis's own conventions, nil reply included.
		msg, err := f.b.res[f.i].ToMessage()
		if err != nil {
			return zero, err
		}
		return f.dec(msg)
	}
	return result(c.script, f.b.res[f.i], f.dec)
}

// Err returns the call's error, nil when it succeeded (see Get).
func (f Future[T]) Err() error {
	_, err := f.Get()
	return err
}

// Queue adds a script call to b; keys and args are copied.
//
// Generated code uses Add and NewFuture instead: the compiler cannot see
// through a generic function instantiated in another package, so slices
// passed to Queue from an inlined caller are moved to the heap.
func Queue[T any](b *Batch, s *Script, keys, args []string, decode Decoder[T]) Future[T] {
	return NewFuture(b, b.Add(s, keys, args), decode)
}

// Add adds a script call to b and returns its index for NewFuture; keys and
// args are copied, not retained.
func (b *Batch) Add(s *Script, keys, args []string) int {
	c := call{script: s, off: int32(len(b.strs)), nkeys: int32(len(keys)), nargs: int32(len(args))}
	if b.executed {
		c.err = ErrExecuted
	} else if b.r.slotCheck {
		if err := checkSlots(s, keys); err != nil {
			c.err = err
		}
	}
	if c.err == nil {
		b.strs = append(b.strs, keys...)
		b.strs = append(b.strs, args...)
	}
	b.calls = append(b.calls, c)
	return len(b.calls) - 1
}

// NewFuture returns the future of call i of b (from Add), decoded by decode.
func NewFuture[T any](b *Batch, i int, decode Decoder[T]) Future[T] {
	return Future[T]{b: b, i: int32(i), dec: decode}
}

// QueueErr adds a call that failed before it could be sent, such as one
// whose argument could not be encoded. Its future returns err.
func QueueErr[T any](b *Batch, s *Script, err error) Future[T] {
	b.calls = append(b.calls, call{script: s, err: err})
	return Future[T]{b: b, i: int32(len(b.calls) - 1)}
}

// Do adds a plain rueidis command, built with Runner.Client().B(). Its
// future follows rueidis's conventions (a nil reply is rueidis.Nil).
func (b *Batch) Do(cmd rueidis.Completed) Future[rueidis.RedisMessage] {
	c := call{cmd: cmd}
	if b.executed {
		c.err = ErrExecuted
	}
	b.calls = append(b.calls, c)
	return Future[rueidis.RedisMessage]{b: b, i: int32(len(b.calls) - 1), dec: DecodeRaw}
}

func (b *Batch) keys(c *call) []string { return b.strs[c.off : c.off+c.nkeys] }
func (b *Batch) args(c *call) []string {
	return b.strs[c.off+c.nkeys : c.off+c.nkeys+c.nargs]
}

// Exec sends every queued call and fills the futures. It returns nil when
// every call got a reply that is not an error, else a *BatchError (or
// ErrExecuted on a second Exec). A reply of the wrong shape for its declared
// type is reported by that future's Get.
func (b *Batch) Exec(ctx context.Context) error {
	if b.executed {
		return ErrExecuted
	}
	b.executed = true
	r := b.r
	r.lastCalls.Store(int64(len(b.calls)))
	r.lastStrs.Store(int64(len(b.strs)))

	pending := make([]int32, 0, len(b.calls))
	for i := range b.calls {
		if b.calls[i].err == nil {
			pending = append(pending, int32(i))
		}
	}
	cmds := make([]rueidis.Completed, 0, len(pending))
	retries := 0
	for len(pending) > 0 {
		cmds = cmds[:0]
		for _, i := range pending {
			c := &b.calls[i]
			switch {
			case c.script == nil:
				cmds = append(cmds, c.cmd)  // plain commands are sent once
				c.cmd = rueidis.Completed{} // rueidis recycles it
			case c.eval:
				cmds = append(cmds, r.eval(c.script, b.keys(c), b.args(c)))
			default:
				cmds = append(cmds, r.evalsha(c.script, b.keys(c), b.args(c)))
			}
		}
		sent := r.epoch.Load()
		noscript, again := b.send(ctx, cmds, pending)
		if len(noscript) > 0 {
			b.recover(ctx, sent, noscript)
		}
		if len(again) > 0 {
			if retries >= maxRetries || !backoff(ctx, retries) {
				again = again[:0] // their TRYAGAIN-like replies stand
			}
			retries++
		}
		pending = append(noscript, again...)
		slices.Sort(pending) // queue order within each node
	}
	return b.summary()
}

// send runs cmds, stores each reply in its call and returns the indexes of
// script calls that came back NOSCRIPT, and of those that got another reply
// meaning they did not run (see notRun).
func (b *Batch) send(ctx context.Context, cmds []rueidis.Completed, idx []int32) (noscript, again []int32) {
	if b.r.cluster {
		routeKeyless(cmds)
	}
	results := b.r.client.DoMulti(ctx, cmds...)
	if b.res == nil && len(results) == len(b.calls) {
		b.res = results // every call sent in queue order: idx is the identity
	} else {
		if b.res == nil {
			b.res = make([]rueidis.RedisResult, len(b.calls))
		}
		for j, res := range results {
			b.res[idx[j]] = res
		}
	}
	for j, res := range results {
		c := &b.calls[idx[j]]
		if c.script == nil {
			continue
		}
		if isNoScript(res) {
			noscript = append(noscript, idx[j])
		} else if notRun(res) {
			again = append(again, idx[j])
		}
	}
	return noscript, again
}

// recover prepares NOSCRIPT calls to be sent again. A NOSCRIPT reply means
// the script did not run, so this never doubles a call. After a first
// NOSCRIPT the script is loaded on every node and the call goes again by
// EVALSHA; after a second one (a node that joined or was flushed in
// between), or when loading failed, by EVAL, which cannot miss.
func (b *Batch) recover(ctx context.Context, sent uint64, noscript []int32) {
	var load []int32
	for _, i := range noscript {
		c := &b.calls[i]
		if c.loaded {
			c.eval = true
		} else {
			c.loaded = true
			load = append(load, i)
		}
	}
	if len(load) == 0 {
		return
	}
	failed := b.r.loadScripts(ctx, sent, b.scriptsOf(load))
	for _, i := range load {
		if c := &b.calls[i]; failed[c.script] {
			c.eval = true
		}
	}
}

// scriptsOf lists the distinct scripts of the given calls.
func (b *Batch) scriptsOf(idx []int32) []*Script {
	var out []*Script
	seen := make(map[*Script]bool)
	for _, i := range idx {
		if s := b.calls[i].script; !seen[s] {
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
	if r.loadRefused.Load() {
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

// summary sets each call's error from its reply and reports the batch.
func (b *Batch) summary() error {
	var failed int
	var first error
	for i := range b.calls {
		c := &b.calls[i]
		if c.err == nil {
			c.err = replyErr(c, b.res[i])
		}
		if c.err != nil {
			failed++
			if first == nil {
				first = c.err
			}
		}
	}
	if failed == 0 {
		return nil
	}
	return &BatchError{Failed: failed, Total: len(b.calls), First: first}
}

// replyErr is the error a reply stands for: a transport error, or an error
// reply (a *ScriptError for script calls). A nil reply is not an error.
func replyErr(c *call, res rueidis.RedisResult) error {
	if err := res.NonRedisError(); err != nil {
		return err
	}
	err := res.Error()
	if err == nil || rueidis.IsRedisNil(err) {
		return nil
	}
	if re, ok := rueidis.IsRedisErr(err); ok && c.script != nil {
		return newScriptError(c.script, re)
	}
	return err
}

// routeKeyless gives commands without keys (zero-key scripts, keyless plain
// commands) the slot of the first keyed command: rueidis's cluster DoMulti
// cannot mix the two. A batch of only keyless commands is left alone.
func routeKeyless(cmds []rueidis.Completed) {
	target := -1
	for i := range cmds {
		if cmds[i].Slot() != keylessSlot {
			target = int(cmds[i].Slot())
			break
		}
	}
	if target < 0 {
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
			k := itoa(n)
			if s := crc16(k) & 16383; slotKeys[s] == "" {
				slotKeys[s] = k
				left--
			}
		}
	})
	return slotKeys[slot]
}

func itoa(n int) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(buf[i:])
}

package luagenimpl

import (
	"context"
	"time"

	"github.com/luagen/luagen/goredis"
	"github.com/luagen/luagen/goredis/internal/core"
	"github.com/luagen/luagen/internal/rt"
)

// goredis's Runner, Script, Batch and Future are defined types over
// goredis/internal/core's, so the conversions below cost nothing and the
// wrappers inline.

// NewScript describes a script. name is its Go name ("TakeTokens"), file its
// path relative to luagen.yaml ("scripts/take_tokens.lua"), source the file's
// exact bytes and sha1 the hex SHA1 of source, computed by the generator so
// that nothing is hashed at run time. Read-only scripts run with EVALSHA_RO
// and EVAL_RO and may be served by replicas. opts are its key-prefix params
// (Prefix), checked and routed by at every call, and, for a script that
// includes other files, its Lines, which error replies are mapped through.
func NewScript(name, file, source, sha1 string, readOnly bool, opts ...Option) *goredis.Script {
	return rt.NewScript(name, file, source, sha1, readOnly, opts...)
}

// Option is a Prefix or Lines.
type Option = rt.Option

// Lines maps the lines of a script's source, flattened from the script and
// the files it includes, to those files: a Span says that the source's
// lines from Line up to the next span's are lines From, From+1, ... of
// File. A *goredis.ScriptError names the file and line Redis blamed.
type Lines = rt.Lines

// Span is one run of lines of Lines.
type Span = rt.Span

// NewLibrary describes a Redis Functions library: its name, its code (sent
// by FUNCTION LOAD REPLACE) and its version, the hex SHA1 its version
// function returns.
func NewLibrary(name, source, version string) *goredis.Library {
	return rt.NewLibrary(name, source, version)
}

// InLibrary makes s function fn of lib, called by FCALL (FCALL_RO) on servers
// with Functions; the file's line N is line N+lineOffset of the library.
func InLibrary(s *goredis.Script, lib *goredis.Library, fn string, lineOffset int) *goredis.Script {
	return rt.InLibrary(s, lib, fn, lineOffset)
}

// Prefix is a param declared `prefix: true`: Index is its 0-based position
// among the keys, or among the args when Arg is set.
type Prefix = rt.Prefix

// Call runs one script call: EVALSHA, and on NOSCRIPT the same call again
// behind a SCRIPT LOAD in one pipeline; replies that say the call did not
// run are retried after a pause.
// keys and args are not retained. A reply that does not fit decode is a
// *goredis.ReplyError; an error reply is a *goredis.ScriptError; keys in
// different cluster slots are a *goredis.CrossSlotError and nothing is sent.
func Call[T any](ctx context.Context, r *goredis.Runner, s *goredis.Script, keys, args []string, decode Decoder[T]) (T, error) {
	return core.Call(ctx, (*core.Runner)(r), s, keys, args, decode)
}

// Add adds a script call to b and returns its index for NewFuture; keys and
// args are copied, not retained.
func Add(b *goredis.Batch, s *goredis.Script, keys, args []string) int {
	return (*core.Batch)(b).Add(s, keys, args)
}

// NewFuture returns the future of call i of b (from Add), decoded by decode.
func NewFuture[T any](b *goredis.Batch, i int, decode Decoder[T]) goredis.Future[T] {
	return goredis.Future[T](core.NewFuture((*core.Batch)(b), i, decode))
}

// Queue adds a script call to b; keys and args are copied.
//
// Generated code uses Add and NewFuture instead: the compiler cannot see
// through a generic function instantiated in another package, so slices
// passed to Queue from an inlined caller are moved to the heap.
func Queue[T any](b *goredis.Batch, s *goredis.Script, keys, args []string, decode Decoder[T]) goredis.Future[T] {
	return NewFuture(b, Add(b, s, keys, args), decode)
}

// QueueErr adds a call that failed before it could be sent, such as one
// whose argument could not be encoded. Its future returns err.
func QueueErr[T any](b *goredis.Batch, s *goredis.Script, err error) goredis.Future[T] {
	return goredis.Future[T](core.Fail[T]((*core.Batch)(b), s, err))
}

// ArgError is the *goredis.ArgumentError of an argument that could not be
// encoded.
func ArgError(s *goredis.Script, arg string, err error) error {
	return &goredis.ArgumentError{Script: s.Name(), Arg: arg, Err: err}
}

// Slot returns the Redis Cluster hash slot of key: CRC16 (XMODEM) of the key,
// or of the part between the first '{' and the next '}' when that part is not
// empty, modulo 16384.
func Slot(key string) uint16 { return rt.Slot(key) }

// The Format functions are the wire encoding of each luagen arg type,
// shared with the go-redis backend (see internal/rt).

// FormatInt64 encodes an int64 in decimal.
func FormatInt64(v int64) string { return rt.FormatInt64(v) }

// FormatInt encodes an int in decimal.
func FormatInt(v int) string { return rt.FormatInt(v) }

// FormatUint64 encodes a uint64 in decimal.
func FormatUint64(v uint64) string { return rt.FormatUint64(v) }

// FormatFloat64 encodes a float64 in the shortest form that reads back
// exactly ("0.5", "1e+21"); tonumber() accepts all of them.
func FormatFloat64(v float64) string { return rt.FormatFloat64(v) }

// FormatBool encodes true as "1" and false as "0".
func FormatBool(v bool) string { return rt.FormatBool(v) }

// FormatDuration encodes a duration as whole milliseconds (truncated).
func FormatDuration(v time.Duration) string { return rt.FormatDuration(v) }

// FormatTime encodes a time as Unix milliseconds.
func FormatTime(v time.Time) string { return rt.FormatTime(v) }

// FormatBytes copies b into a string, so later changes to b do not reach a
// queued call.
func FormatBytes(b []byte) string { return rt.FormatBytes(b) }

// FormatJSON encodes v with encoding/json; scripts read it with cjson.decode.
func FormatJSON(v any) (string, error) { return rt.FormatJSON(v) }

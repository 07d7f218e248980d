package rt

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrNotExecuted is returned by Future.Get before its batch ran.
var ErrNotExecuted = errors.New("luagen: batch not executed yet")

// ErrExecuted is returned by Exec on a batch that already ran: a batch runs
// once, so that no call is sent twice.
var ErrExecuted = errors.New("luagen: batch already executed")

// ScriptError is an error reply to a script call: a Lua runtime error, an
// error from redis.call inside the script, a redis.error_reply, or a refusal
// such as NOPERM. Line is the line in File that Redis blamed
// ("user_script:N"; for a function of a library, "user_function:N" mapped
// back to the file's line), or 0 when Redis named none. For a script that
// includes other files (--- @include), File and Line are those of the
// included file when the line Redis blamed comes from one, and IncludedBy
// is then the script's own file.
type ScriptError struct {
	Script     string // Go name of the script
	File       string // path of the .lua file relative to luagen.yaml
	Line       int
	IncludedBy string // the script's .lua file when File is a file it includes; else ""
	Code       string // first word of the reply when upper case: "ERR", "WRONGTYPE", "NOPERM", ...
	Msg        string // the reply as Redis sent it
	err        error
}

func (e *ScriptError) Error() string {
	where := e.File
	if e.Line > 0 {
		where += ":" + strconv.Itoa(e.Line)
	}
	if e.IncludedBy != "" {
		where += ", included by " + e.IncludedBy
	}
	return fmt.Sprintf("luagen: script %s (%s): %s", e.Script, where, e.Msg)
}

// Unwrap returns the client's own error value for the reply (a
// *rueidis.RedisError, or go-redis's redis.Error), for that client's checks
// through errors.As.
func (e *ScriptError) Unwrap() error { return e.err }

// IsPermission reports whether the ACL refused the call or a command inside it.
func (e *ScriptError) IsPermission() bool {
	if e.Code == "NOPERM" { // the call itself: a key in KEYS, or the command
		return true
	}
	// A command or key refused inside the script is an ERR reply, worded
	// "The user executing the script can't ..." by Redis 7.0 and "ACL
	// failure in script: ..." by Redis 7.2 and later. rueidis strips the
	// "ERR ", so Code is not to be relied on here (the latter reads "ACL").
	msg := strings.TrimPrefix(e.Msg, "ERR ")
	return strings.HasPrefix(msg, "The user executing the script can't ") ||
		strings.HasPrefix(msg, "ACL failure in script:")
}

// NewScriptError is the error of an error reply msg to a call of s; cause
// is the client's error value for it.
func NewScriptError(s *Script, msg string, cause error) *ScriptError {
	line := scriptLine(msg)
	if n := functionLine(msg); n > 0 && line == 0 {
		line = FunctionLine(s, n) // a line of the library: back to the source's
	}
	e := &ScriptError{Script: s.Name(), Code: ErrorCode(msg), Msg: msg, err: cause}
	e.File, e.Line = Origin(s, line)
	if e.File != s.File() {
		e.IncludedBy = s.File()
	}
	return e
}

// functionLine finds the library line Redis blames in an error of a function
// ("user_function:N"), as scriptLine does for scripts.
func functionLine(msg string) int {
	return lineAfter(msg, "@user_function:", "user_function:")
}

// scriptLine finds the line Redis blames. Redis 7 ends runtime errors with
// "on @user_script:N." and starts compile errors with "user_script:N:"; the
// former is the line that was running, so it wins.
func scriptLine(msg string) int {
	return lineAfter(msg, "@user_script:", "user_script:")
}

// lineAfter is the number after the first of markers found in msg, or 0.
func lineAfter(msg string, markers ...string) int {
	for _, marker := range markers {
		if i := strings.Index(msg, marker); i >= 0 {
			rest := msg[i+len(marker):]
			n := 0
			for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
				n++
			}
			if line, err := strconv.Atoi(rest[:n]); err == nil {
				return line
			}
		}
	}
	return 0
}

// CrossSlotError is returned, before anything is sent, for a call whose keys
// hash to different cluster slots. Keys that must be used together need a
// common hash tag, e.g. "{user:42}:tokens" and "{user:42}:log".
type CrossSlotError struct {
	Script string
	Keys   []string
	Slots  []uint16
}

// NewCrossSlotError is the error of a call of s whose keys are in
// different slots; it keeps keys.
func NewCrossSlotError(s *Script, keys []string) *CrossSlotError {
	e := &CrossSlotError{Script: s.Name(), Keys: keys, Slots: make([]uint16, len(keys))}
	for i, k := range keys {
		e.Slots[i] = Slot(k)
	}
	return e
}

func (e *CrossSlotError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "luagen: script %s: keys in different cluster slots:", e.Script)
	for i, k := range e.Keys {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, " %q (slot %d)", k, e.Slots[i])
	}
	b.WriteString("; give keys used together a common hash tag, like {user:42}:a and {user:42}:b")
	return b.String()
}

// PrefixError is returned, before anything is sent, for a call whose key
// prefix (a param declared `prefix: true`, from which the script builds
// keys) cannot prove that those keys live in the call's slot: the prefix has
// no complete, non-empty hash tag, or its tag's slot is not the call's.
// Checked where the slot check is on (always on a cluster client).
type PrefixError struct {
	Script string
	Param  string // the key prefix param, as declared in the header
	Prefix string // its value in this call
	Slot   int    // the slot of its hash tag; -1 when it has none
	// Want is the slot the call runs in: that of Key, its first key, or in
	// a call without keys that of WantParam, its first key prefix. It is
	// -1 when Param is that first key prefix (then Slot is -1).
	Want      int
	Key       string
	WantParam string
}

func (e *PrefixError) Error() string {
	if e.Slot < 0 {
		return fmt.Sprintf("luagen: script %s: key prefix %s is %q, which has no hash tag, so the keys the script builds from it could be in any slot; put the part they share in braces, like \"app:{tenant42}:\"", e.Script, e.Param, e.Prefix)
	}
	from := fmt.Sprintf("key %q", e.Key)
	if e.Key == "" {
		from = "key prefix " + e.WantParam
	}
	return fmt.Sprintf("luagen: script %s: key prefix %s %q is in slot %d, but %s is in slot %d; keys built from the prefix must be in the call's slot: give them a common hash tag", e.Script, e.Param, e.Prefix, e.Slot, from, e.Want)
}

// ReplyError is a reply whose shape does not match the script's declared
// result type. The script ran; only decoding its reply failed.
type ReplyError struct {
	Script string
	Err    error
}

func (e *ReplyError) Error() string {
	return fmt.Sprintf("luagen: script %s: unexpected reply: %v", e.Script, e.Err)
}

func (e *ReplyError) Unwrap() error { return e.Err }

// ArgumentError is an argument that could not be encoded; the call was not sent.
type ArgumentError struct {
	Script string
	Arg    string
	Err    error
}

func (e *ArgumentError) Error() string {
	return fmt.Sprintf("luagen: script %s: arg %s: %v", e.Script, e.Arg, e.Err)
}

func (e *ArgumentError) Unwrap() error { return e.Err }

// BatchError is returned by Exec when some calls failed; each failed call's
// Future holds its own error.
type BatchError struct {
	Failed int   // calls that failed
	Total  int   // calls in the batch
	First  error // the error of the first failed call, in queue order
}

func (e *BatchError) Error() string {
	return fmt.Sprintf("luagen: %d of %d calls failed; first: %v", e.Failed, e.Total, e.First)
}

func (e *BatchError) Unwrap() error { return e.First }

// Failures counts a batch's failed calls as Exec learns of them, in any
// order, and keeps the first one's error (in queue order).
type Failures struct {
	Failed int
	firstI int32
	first  error
}

// Add counts call i as failed with err; a nil err is no failure.
func (f *Failures) Add(i int32, err error) {
	if err == nil {
		return
	}
	f.Failed++
	if f.first == nil || i < f.firstI {
		f.first, f.firstI = err, i
	}
}

// Err is what Exec returns for a batch of total calls: nil when none
// failed, else a *BatchError.
func (f *Failures) Err(total int) error {
	if f.Failed == 0 {
		return nil
	}
	return &BatchError{Failed: f.Failed, Total: total, First: f.first}
}

// ErrorCode returns an error reply's prefix. rueidis strips a leading "ERR ",
// so a message without an upper-case prefix is an ERR.
func ErrorCode(msg string) string {
	word, _, _ := strings.Cut(msg, " ")
	if word == "" {
		return "ERR"
	}
	for i := 0; i < len(word); i++ {
		if c := word[i]; (c < 'A' || c > 'Z') && c != '_' {
			return "ERR"
		}
	}
	return word
}

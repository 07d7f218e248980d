package core

import (
	"slices"
	"strings"

	"github.com/redis/rueidis"
)

// Errors builds the errors callers see. Their types are package runtime's
// (users match them with errors.As), and runtime imports this package, so
// runtime fills every field in its init, before any code can reach a Runner.
// They run on error paths only.
var Errors struct {
	Executed    error // Exec on a batch that already ran, or a call queued after
	NotExecuted error // a future read before its batch ran

	// Script is an error reply to a script call.
	Script func(s *Script, re *rueidis.RedisError) error
	// CrossSlot is a call whose keys hash to different slots; keys is the
	// callee's to keep.
	CrossSlot func(s *Script, keys []string) error
	// Prefix is a key prefix param whose hash tag is missing (slot -1) or
	// puts it in another slot than want: the slot of key, the call's first
	// key, or else of the key prefix param wantParam (want is -1 when the
	// call has neither).
	Prefix func(s *Script, param, prefix string, slot, want int, key, wantParam string) error
	// Reply is a reply that its decoder refused.
	Reply func(s *Script, err error) error
	// Batch is the error of an Exec where some calls failed.
	Batch func(failed, total int, first error) error
}

// crossSlotError is Errors.CrossSlot on a copy of keys, so that the caller's
// slice (on its stack, in Call) does not escape.
func crossSlotError(s *Script, keys []string) error {
	return Errors.CrossSlot(s, slices.Clone(keys))
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

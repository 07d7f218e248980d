package core

import (
	"github.com/redis/rueidis"

	"github.com/luagen/luagen/internal/rt"
)

// The types below are internal/rt's, shared with the go-redis backend.
type (
	Script  = rt.Script
	Library = rt.Library
	Option  = rt.Option
	Prefix  = rt.Prefix
	Lines   = rt.Lines
	Span    = rt.Span
)

// scriptError is the *rt.ScriptError of an error reply re to a call of s.
func scriptError(s *Script, re *rueidis.RedisError) error {
	return rt.NewScriptError(s, re.Error(), re)
}

// Slot returns the Redis Cluster hash slot of key.
func Slot(key string) uint16 { return rt.Slot(key) }

const slotMask = rt.SlotMask

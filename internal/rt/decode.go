package rt

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// The decoding rules of script replies, shared by both backends: each
// backend's decoders (runtime/luagenimpl, goredis/luagenimpl) read its
// client's reply values and apply these rules and messages, so that a reply
// decodes to the same Go value, or fails with the same message, whichever
// client brought it. DecodeCases checks that.

// ShapeError says what a decoder wanted and what it got: "want integer, got
// string \"x\"".
type ShapeError struct {
	Want string
	Got  string
}

func (e *ShapeError) Error() string { return "want " + e.Want + ", got " + e.Got }

// WrongShape is the error of a reply described as got (see the Describe
// functions) where want was expected.
func WrongShape(want, got string) error { return &ShapeError{Want: want, Got: got} }

// What each decoder wants, as its errors say.
const (
	WantInteger     = "integer"
	WantIntFits     = "integer that fits an int"
	WantUnsigned    = "unsigned integer"
	WantString      = "string"
	WantBool        = "boolean (integer or nil)"
	WantNumber      = "number"
	WantDuration    = "integer milliseconds within ±292 years"
	WantTime        = "integer Unix milliseconds"
	WantStrings     = "array of strings"
	WantInt64s      = "array of integers"
	WantStringMap   = "array of field/value pairs or map"
	WantPairs       = "array of field/value pairs (even length)"
	WantStringKeys  = "map with string keys"
	DescribeNil     = "nil"
	DescribeBadKeys = "map with non-string keys"
)

// WantFields is what a struct decoder of n fields wants.
func WantFields(n int) string { return "array of " + strconv.Itoa(n) + " fields" }

// The Describe functions name a reply's kind for error messages, with a
// short excerpt.

// DescribeInt describes an integer reply.
func DescribeInt(v int64) string { return "integer " + strconv.FormatInt(v, 10) }

// DescribeString describes a string reply, cut after 32 bytes.
func DescribeString(s string) string {
	if len(s) > 32 {
		s = s[:32] + "..."
	}
	return "string " + strconv.Quote(s)
}

// DescribeDouble describes a RESP3 double.
func DescribeDouble(v float64) string { return "double " + strconv.FormatFloat(v, 'g', -1, 64) }

// DescribeBool describes a RESP3 boolean.
func DescribeBool(v bool) string { return "boolean " + strconv.FormatBool(v) }

// DescribeArray describes an array of n elements.
func DescribeArray(n int) string { return "array of " + strconv.Itoa(n) }

// DescribeMap describes a RESP3 map of n pairs.
func DescribeMap(n int) string { return "map of " + strconv.Itoa(n) }

// DescribeError describes an error reply inside an array, msg as rueidis
// gives it (without a leading "ERR ").
func DescribeError(msg string) string { return "error " + strconv.Quote(msg) }

// IntFromString reads an integer from a string reply (a Lua number turned
// into a string by tostring).
func IntFromString(s string) (int64, bool) {
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

// IntFromDouble reads an integer from a RESP3 double that is whole and in
// range.
func IntFromDouble(f float64) (int64, bool) {
	if f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
		return int64(f), true
	}
	return 0, false
}

// IntFits reports whether v fits an int.
func IntFits(v int64) bool { return int64(int(v)) == v }

// UintFromString reads an unsigned integer from a string reply.
func UintFromString(s string) (uint64, bool) {
	v, err := strconv.ParseUint(s, 10, 64)
	return v, err == nil
}

// BoolFromString reads "1", "true", "0" and "false"; ok is false for any
// other string.
func BoolFromString(s string) (v, ok bool) {
	switch s {
	case "1", "true":
		return true, true
	case "0", "false":
		return false, true
	}
	return false, false
}

// FloatFromString reads a float from a string reply (Lua floats must be
// returned with tostring, since Redis truncates Lua numbers to integers).
func FloatFromString(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// DurationFromMillis converts milliseconds to a Duration when in range.
func DurationFromMillis(v int64) (time.Duration, bool) {
	if v > math.MaxInt64/int64(time.Millisecond) || v < math.MinInt64/int64(time.Millisecond) {
		return 0, false
	}
	return time.Duration(v) * time.Millisecond, true
}

// ElementError is the error of element i (0-based) of an array reply.
func ElementError(i int, err error) error { return fmt.Errorf("element %d: %w", i+1, err) }

// PairFieldError is the error of the field of pair i (0-based) of a flat
// array of field/value pairs.
func PairFieldError(i int, err error) error { return fmt.Errorf("field %d: %w", i+1, err) }

// MapValueError is the error of the value of field k of a map result.
func MapValueError(k string, err error) error { return fmt.Errorf("value of %q: %w", k, err) }

// FieldError is the error of field name, element i (0-based), of a struct
// result.
func FieldError(name string, i int, err error) error {
	return fmt.Errorf("field %s (element %d): %w", name, i+1, err)
}

// MissingField is the error of field name, element i (0-based), of a struct
// result whose reply has only n elements.
func MissingField(name string, i, n int) error {
	return fmt.Errorf("field %s (element %d): missing: the reply has %d elements (a Lua array ends at its first nil)", name, i+1, n)
}

// A DecodeCase is a reply, made by a Lua expression that a script returns
// (after redis.setresp(3), so that doubles, booleans and maps come as
// RESP3 types), and what each decoder makes of it: Want maps a decoder
// name ("Int64", "Int", "Uint64", "String", "Bytes", "Bool", "Float64",
// "Duration", "Time", "Strings", "Int64s", "StringMap", "Struct2": a
// struct of two fields, a int64 then b a nullable string) to the value it
// returns or, as a string "error: MSG", the message of its error. Each
// backend's tests run every case against its decoders on a real server.
type DecodeCase struct {
	Lua  string
	Want map[string]any
}

// DecodeErr marks an expected error message in DecodeCase.Want.
func DecodeErr(msg string) string { return "error: " + msg }

// DecodeCases lists replies of every kind and what each decoder makes of
// them. A decoder a case does not name is not checked on it.
var DecodeCases = []DecodeCase{
	{Lua: `return 42`, Want: map[string]any{
		"Int64": int64(42), "Int": 42, "Uint64": uint64(42), "String": "42", "Bytes": []byte("42"),
		"Bool": true, "Float64": float64(42), "Duration": 42 * time.Millisecond, "Time": time.UnixMilli(42),
		"Strings":   DecodeErr("want array of strings, got integer 42"),
		"Int64s":    DecodeErr("want array of integers, got integer 42"),
		"StringMap": DecodeErr("want array of field/value pairs or map, got integer 42"),
		"Struct2":   DecodeErr("want array of 2 fields, got integer 42"),
	}},
	{Lua: `return -7`, Want: map[string]any{
		"Int64": int64(-7), "Uint64": DecodeErr("want unsigned integer, got integer -7"), "Bool": true,
		"String": "-7",
	}},
	{Lua: `return 0`, Want: map[string]any{"Bool": false, "Int": 0}},
	{Lua: `return '123'`, Want: map[string]any{
		"Int64": int64(123), "Uint64": uint64(123), "String": "123", "Float64": float64(123),
		"Bool": DecodeErr(`want boolean (integer or nil), got string "123"`),
	}},
	{Lua: `return '18446744073709551615'`, Want: map[string]any{
		"Uint64": uint64(math.MaxUint64), "Int64": DecodeErr(`want integer, got string "18446744073709551615"`),
	}},
	{Lua: `return 'abc'`, Want: map[string]any{
		"Int64": DecodeErr(`want integer, got string "abc"`), "String": "abc", "Bytes": []byte("abc"),
		"Float64":  DecodeErr(`want number, got string "abc"`),
		"Duration": DecodeErr(`want integer milliseconds within ±292 years, got string "abc"`),
		"Time":     DecodeErr(`want integer Unix milliseconds, got string "abc"`),
		"Uint64":   DecodeErr(`want unsigned integer, got string "abc"`),
	}},
	{Lua: `return string.rep('x', 40)`, Want: map[string]any{
		"Int64": DecodeErr(`want integer, got string "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."`),
	}},
	{Lua: `return '0.25'`, Want: map[string]any{"Float64": 0.25, "Int64": DecodeErr(`want integer, got string "0.25"`)}},
	{Lua: `return 'true'`, Want: map[string]any{"Bool": true}},
	{Lua: `return 'false'`, Want: map[string]any{"Bool": false}},
	{Lua: `return '1'`, Want: map[string]any{"Bool": true}},
	{Lua: `return '0'`, Want: map[string]any{"Bool": false}},
	{Lua: `return redis.status_reply('OK')`, Want: map[string]any{
		"String": "OK", "Int64": DecodeErr(`want integer, got string "OK"`),
	}},
	{Lua: `return nil`, Want: map[string]any{
		"Int64": DecodeErr("want integer, got nil"), "String": DecodeErr("want string, got nil"),
		"Bool": false, "Strings": []string(nil), "Int64s": []int64(nil), "StringMap": map[string]string(nil),
		"Struct2": DecodeErr("want array of 2 fields, got nil"),
	}},
	{Lua: `return false`, Want: map[string]any{"Bool": false}},
	{Lua: `return true`, Want: map[string]any{"Bool": true, "Int64": DecodeErr("want integer, got boolean true")}},
	{Lua: `return {double=1.5}`, Want: map[string]any{
		"Float64": 1.5, "Int64": DecodeErr("want integer, got double 1.5"),
		"String": DecodeErr("want string, got double 1.5"),
	}},
	{Lua: `return {double=3}`, Want: map[string]any{"Int64": int64(3), "Float64": float64(3)}},
	{Lua: `return {'a', 'b', 3}`, Want: map[string]any{
		"Strings": []string{"a", "b", "3"},
		"Int64s":  DecodeErr(`element 1: want integer, got string "a"`),
		"String":  DecodeErr("want string, got array of 3"),
		"Struct2": DecodeErr("want array of 2 fields, got array of 3"),
	}},
	{Lua: `return {1, 2, '3'}`, Want: map[string]any{"Int64s": []int64{1, 2, 3}, "Strings": []string{"1", "2", "3"}}},
	{Lua: `return {}`, Want: map[string]any{
		"Strings": []string{}, "Int64s": []int64{}, "StringMap": map[string]string{},
		"Struct2": DecodeErr("field a (element 1): missing: the reply has 0 elements (a Lua array ends at its first nil)"),
	}},
	{Lua: `return {'f', 'v', 'g', 7}`, Want: map[string]any{"StringMap": map[string]string{"f": "v", "g": "7"}}},
	{Lua: `return {'f', 'v', 'g'}`, Want: map[string]any{
		"StringMap": DecodeErr("want array of field/value pairs (even length), got array of 3"),
	}},
	{Lua: `return {'f', {1}}`, Want: map[string]any{
		"StringMap": DecodeErr(`value of "f": want string, got array of 1`),
	}},
	{Lua: `return {{1}, 'v'}`, Want: map[string]any{
		"StringMap": DecodeErr(`field 1: want string, got array of 1`),
	}},
	{Lua: `return {map={f='v'}}`, Want: map[string]any{
		"StringMap": map[string]string{"f": "v"}, "Strings": DecodeErr("want array of strings, got map of 1"),
	}},
	{Lua: `return {map={f={1}}}`, Want: map[string]any{
		"StringMap": DecodeErr(`value of "f": want string, got array of 1`),
	}},
	{Lua: `return {map={[1]='a'}}`, Want: map[string]any{
		"StringMap": DecodeErr("want map with string keys, got map with non-string keys"),
	}},
	{Lua: `return {5, 'x'}`, Want: map[string]any{"Struct2": [2]any{int64(5), "x"}}},
	{Lua: `return {5}`, Want: map[string]any{"Struct2": [2]any{int64(5), nil}}},
	{Lua: `return {'q', 'x'}`, Want: map[string]any{
		"Struct2": DecodeErr(`field a (element 1): want integer, got string "q"`),
	}},
	{Lua: `return {1, 'x', 3}`, Want: map[string]any{"Struct2": DecodeErr("want array of 2 fields, got array of 3")}},
	{Lua: `return {5, redis.error_reply('ERR bad')}`, Want: map[string]any{
		"Struct2": DecodeErr(`field b (element 2): want string, got error "bad"`),
		"Strings": DecodeErr(`element 2: want string, got error "bad"`),
	}},
	{Lua: `return {5, redis.error_reply('WRONGTYPE no')}`, Want: map[string]any{
		"Strings": DecodeErr(`element 2: want string, got error "WRONGTYPE no"`),
	}},
	{Lua: `return 9007199254740993`, Want: map[string]any{"Int64": int64(9007199254740992)}},
	{Lua: `return '9223372036854775807'`, Want: map[string]any{
		"Duration": DecodeErr(`want integer milliseconds within ±292 years, got string "9223372036854775807"`),
		"Int64":    int64(math.MaxInt64),
	}},
	{Lua: `return -1500`, Want: map[string]any{"Duration": -1500 * time.Millisecond, "Time": time.UnixMilli(-1500)}},
}

// An ErrorCase is a script (its body, after one comment line) whose call
// fails, and the *ScriptError both backends must return for it: the same
// Code, a Msg that starts with Msg (worded as rueidis gives it: without a
// leading "ERR "), and the Line blamed.
type ErrorCase struct {
	Body string
	Code string
	Msg  string
	Line int
}

// ErrorCases are script errors of every kind, for both backends' tests.
var ErrorCases = []ErrorCase{
	{Body: "local x = 1\nerror('boom')", Code: "ERR", Msg: "user_script:3: boom script: ", Line: 3},
	{Body: "return redis.error_reply('ERR custom')", Code: "ERR", Msg: "custom", Line: 0},
	{Body: "return redis.error_reply('MYERR told to fail')", Code: "MYERR", Msg: "MYERR told to fail", Line: 0},
	{Body: "redis.call('SET', KEYS[1], 'x')\nreturn redis.call('LPUSH', KEYS[1], 'y')", Code: "WRONGTYPE", Msg: "WRONGTYPE Operation against a key holding the wrong kind of value script: ", Line: 3},
	{Body: "return redis.call('NOSUCHCMD')", Code: "ERR", Msg: "Unknown Redis command called from script script: ", Line: 2},
	{Body: "return {err='PLAIN'}", Code: "PLAIN", Msg: "PLAIN", Line: 0},
	{Body: "local t = nil\nreturn t.x", Code: "ERR", Msg: "user_script:3: attempt to index local 't' (a nil value) script: ", Line: 3},
}

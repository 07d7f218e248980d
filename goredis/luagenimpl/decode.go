package luagenimpl

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/luagen/luagen/internal/rt"
)

// A reply, as go-redis's redis.Cmd.Val gives it over RESP3 (its default):
// int64, string (bulk, status and verbatim strings), float64 (a double),
// bool, *big.Int, nil (a nil reply), []any (arrays and sets), map[any]any
// (a map), and inside arrays and maps an error reply as a redis.Error. The
// rules and messages are internal/rt's, shared with the rueidis backend.

// Decoder turns a script's reply into its declared Go result. A reply of the
// wrong shape is an error, never a panic.
type Decoder[T any] func(any) (T, error)

// Reader is a Decoder that reads a reply in place: an element of an array
// reply or a field of a struct result. Each DecodeX has a ReadX; generated
// struct decoders use the ReadX forms.
type Reader[T any] func(*any) (T, error)

func wrongShape(want string, m *any) error {
	return rt.WrongShape(want, describe(*m))
}

// describe names a reply's kind for error messages, with a short excerpt.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return rt.DescribeNil
	case int64:
		return rt.DescribeInt(v)
	case string:
		return rt.DescribeString(v)
	case float64:
		return rt.DescribeDouble(v)
	case bool:
		return rt.DescribeBool(v)
	case []any:
		return rt.DescribeArray(len(v))
	case map[any]any:
		for k := range v {
			if _, ok := k.(string); !ok {
				return rt.DescribeBadKeys
			}
		}
		return rt.DescribeMap(len(v))
	case redis.Error:
		return rt.DescribeError(strings.TrimPrefix(v.Error(), "ERR "))
	case *big.Int:
		return "big number " + v.String()
	}
	return fmt.Sprintf("reply %T", v)
}

// DecodeNone accepts any reply, for scripts whose result is not used.
func DecodeNone(any) (struct{}, error) { return struct{}{}, nil }

// DecodeRaw returns the reply as is.
func DecodeRaw(m any) (any, error) { return m, nil }

// ReadRaw returns the reply as is.
func ReadRaw(m *any) (any, error) { return *m, nil }

// ReadInt64 accepts an integer, or a string holding one (a Lua number
// turned into a string by tostring), or a whole double.
func ReadInt64(m *any) (int64, error) {
	switch v := (*m).(type) {
	case int64:
		return v, nil
	case string:
		if n, ok := rt.IntFromString(v); ok {
			return n, nil
		}
	case float64:
		if n, ok := rt.IntFromDouble(v); ok {
			return n, nil
		}
	}
	return 0, wrongShape(rt.WantInteger, m)
}

// DecodeInt64 is the Decoder form of ReadInt64.
func DecodeInt64(m any) (int64, error) { return ReadInt64(&m) }

// ReadInt is ReadInt64 for int.
func ReadInt(m *any) (int, error) {
	v, err := ReadInt64(m)
	if err == nil && !rt.IntFits(v) {
		return 0, wrongShape(rt.WantIntFits, m)
	}
	return int(v), err
}

// DecodeInt is the Decoder form of ReadInt.
func DecodeInt(m any) (int, error) { return ReadInt(&m) }

// ReadUint64 accepts a non-negative integer or a string holding one.
func ReadUint64(m *any) (uint64, error) {
	if s, ok := (*m).(string); ok {
		if v, ok := rt.UintFromString(s); ok {
			return v, nil
		}
		return 0, wrongShape(rt.WantUnsigned, m)
	}
	v, err := ReadInt64(m)
	if err != nil || v < 0 {
		return 0, wrongShape(rt.WantUnsigned, m)
	}
	return uint64(v), nil
}

// DecodeUint64 is the Decoder form of ReadUint64.
func DecodeUint64(m any) (uint64, error) { return ReadUint64(&m) }

// ReadString accepts a bulk or status string, or an integer in decimal
// (Lua numbers and strings convert freely).
func ReadString(m *any) (string, error) {
	switch v := (*m).(type) {
	case string:
		return v, nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	}
	return "", wrongShape(rt.WantString, m)
}

// DecodeString is the Decoder form of ReadString.
func DecodeString(m any) (string, error) { return ReadString(&m) }

// ReadBytes is ReadString into a fresh []byte.
func ReadBytes(m *any) ([]byte, error) {
	s, err := ReadString(m)
	if err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// DecodeBytes is the Decoder form of ReadBytes.
func DecodeBytes(m any) ([]byte, error) { return ReadBytes(&m) }

// ReadBool follows Lua's conversion: true becomes the integer 1 and false
// becomes a nil reply. Integers are true when not zero; RESP3 booleans and
// the strings "1", "0", "true", "false" are accepted too.
func ReadBool(m *any) (bool, error) {
	switch v := (*m).(type) {
	case nil:
		return false, nil
	case int64:
		return v != 0, nil
	case bool:
		return v, nil
	case string:
		if b, ok := rt.BoolFromString(v); ok {
			return b, nil
		}
	}
	return false, wrongShape(rt.WantBool, m)
}

// DecodeBool is the Decoder form of ReadBool.
func DecodeBool(m any) (bool, error) { return ReadBool(&m) }

// ReadFloat64 accepts a string (Lua floats must be returned with tostring,
// since Redis truncates Lua numbers to integers), an integer or a double.
func ReadFloat64(m *any) (float64, error) {
	switch v := (*m).(type) {
	case string:
		if f, ok := rt.FloatFromString(v); ok {
			return f, nil
		}
	case int64:
		return float64(v), nil
	case float64:
		return v, nil
	}
	return 0, wrongShape(rt.WantNumber, m)
}

// DecodeFloat64 is the Decoder form of ReadFloat64.
func DecodeFloat64(m any) (float64, error) { return ReadFloat64(&m) }

// ReadDuration reads milliseconds.
func ReadDuration(m *any) (time.Duration, error) {
	v, err := ReadInt64(m)
	d, ok := rt.DurationFromMillis(v)
	if err != nil || !ok {
		return 0, wrongShape(rt.WantDuration, m)
	}
	return d, nil
}

// DecodeDuration is the Decoder form of ReadDuration.
func DecodeDuration(m any) (time.Duration, error) { return ReadDuration(&m) }

// ReadTime reads Unix milliseconds.
func ReadTime(m *any) (time.Time, error) {
	v, err := ReadInt64(m)
	if err != nil {
		return time.Time{}, wrongShape(rt.WantTime, m)
	}
	return time.UnixMilli(v), nil
}

// DecodeTime is the Decoder form of ReadTime.
func DecodeTime(m any) (time.Time, error) { return ReadTime(&m) }

// ReadStrings accepts an array of strings (integers in decimal). A nil
// reply gives a nil slice.
func ReadStrings(m *any) ([]string, error) {
	if *m == nil {
		return nil, nil
	}
	a, ok := (*m).([]any)
	if !ok {
		return nil, wrongShape(rt.WantStrings, m)
	}
	out := make([]string, len(a))
	for i := range a {
		v, err := ReadString(&a[i])
		if err != nil {
			return nil, rt.ElementError(i, err)
		}
		out[i] = v
	}
	return out, nil
}

// DecodeStrings is the Decoder form of ReadStrings.
func DecodeStrings(m any) ([]string, error) { return ReadStrings(&m) }

// ReadInt64s accepts an array of integers. A nil reply gives a nil slice.
func ReadInt64s(m *any) ([]int64, error) {
	if *m == nil {
		return nil, nil
	}
	a, ok := (*m).([]any)
	if !ok {
		return nil, wrongShape(rt.WantInt64s, m)
	}
	out := make([]int64, len(a))
	for i := range a {
		v, err := ReadInt64(&a[i])
		if err != nil {
			return nil, rt.ElementError(i, err)
		}
		out[i] = v
	}
	return out, nil
}

// DecodeInt64s is the Decoder form of ReadInt64s.
func DecodeInt64s(m any) ([]int64, error) { return ReadInt64s(&m) }

// ReadStringMap accepts a flat array of field/value pairs (what a Lua
// table of pairs or HGETALL gives) or a RESP3 map. A nil reply gives a nil map.
func ReadStringMap(m *any) (map[string]string, error) {
	switch v := (*m).(type) {
	case nil:
		return nil, nil
	case map[any]any:
		out := make(map[string]string, len(v))
		for k, e := range v {
			ks, ok := k.(string)
			if !ok {
				return nil, wrongShape(rt.WantStringKeys, m)
			}
			s, err := ReadString(&e)
			if err != nil {
				return nil, rt.MapValueError(ks, err)
			}
			out[ks] = s
		}
		return out, nil
	case []any:
		if len(v)%2 != 0 {
			return nil, wrongShape(rt.WantPairs, m)
		}
		out := make(map[string]string, len(v)/2)
		for i := 0; i < len(v); i += 2 {
			k, err := ReadString(&v[i])
			if err != nil {
				return nil, rt.PairFieldError(i/2, err)
			}
			s, err := ReadString(&v[i+1])
			if err != nil {
				return nil, rt.MapValueError(k, err)
			}
			out[k] = s
		}
		return out, nil
	}
	return nil, wrongShape(rt.WantStringMap, m)
}

// DecodeStringMap is the Decoder form of ReadStringMap.
func DecodeStringMap(m any) (map[string]string, error) { return ReadStringMap(&m) }

// Nullable decodes with dec unless the reply is nil, which gives nil.
func Nullable[T any](m any, dec Decoder[T]) (*T, error) {
	if m == nil {
		return nil, nil
	}
	v, err := dec(m)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// Fields checks that m is an array of at most n elements, the positional
// fields of a struct result. Fewer are allowed because a Lua array stops at
// its first nil: trailing nullable fields may be absent.
func Fields(m *any, n int) ([]any, error) {
	a, ok := (*m).([]any)
	if !ok || len(a) > n {
		return nil, wrongShape(rt.WantFields(n), m)
	}
	return a, nil
}

// Field reads element i of a struct result.
func Field[T any](fields []any, i int, name string, dec Reader[T]) (T, error) {
	if i < len(fields) {
		v, err := dec(&fields[i])
		if err != nil {
			return v, rt.FieldError(name, i, err)
		}
		return v, nil
	}
	var zero T
	return zero, rt.MissingField(name, i, len(fields))
}

// NullableField decodes element i of a struct result; absent or nil gives nil.
func NullableField[T any](fields []any, i int, name string, dec Reader[T]) (*T, error) {
	if i >= len(fields) || fields[i] == nil {
		return nil, nil
	}
	v, err := dec(&fields[i])
	if err != nil {
		return nil, rt.FieldError(name, i, err)
	}
	return &v, nil
}

package luagenimpl

import (
	"strconv"
	"time"

	"github.com/redis/rueidis"

	"github.com/luagen/luagen/internal/rt"
)

// Decoder turns a script's reply into its declared Go result. A reply of the
// wrong shape is an error, never a panic.
type Decoder[T any] func(rueidis.RedisMessage) (T, error)

// Reader is a Decoder that reads a message in place: an element of an array
// reply or a field of a struct result. Each DecodeX has a ReadX; generated
// struct decoders use the ReadX forms, which do not copy the message (a
// RedisMessage is passed on the stack, not in registers).
type Reader[T any] func(*rueidis.RedisMessage) (T, error)

// wrongShape says what a decoder wanted and what it got (the rules and
// wording are internal/rt's, shared with the go-redis backend).
func wrongShape(want string, m *rueidis.RedisMessage) error {
	return rt.WrongShape(want, describe(m))
}

// describe names a reply's kind for error messages, with a short excerpt.
func describe(m *rueidis.RedisMessage) string {
	switch {
	case m.IsNil():
		return rt.DescribeNil
	case m.IsInt64():
		v, _ := m.AsInt64()
		return rt.DescribeInt(v)
	case m.IsString():
		s, _ := m.ToString()
		return rt.DescribeString(s)
	case m.IsFloat64():
		v, _ := m.AsFloat64()
		return rt.DescribeDouble(v)
	case m.IsBool():
		v, _ := m.AsBool()
		return rt.DescribeBool(v)
	case m.IsArray():
		a, _ := m.ToArray()
		return rt.DescribeArray(len(a))
	case m.IsMap():
		mm, err := m.ToMap()
		if err != nil {
			return rt.DescribeBadKeys
		}
		return rt.DescribeMap(len(mm))
	case m.Error() != nil:
		return rt.DescribeError(m.Error().Error())
	}
	return "reply " + m.String()
}

// DecodeNone accepts any reply, for scripts whose result is not used.
func DecodeNone(rueidis.RedisMessage) (struct{}, error) { return struct{}{}, nil }

// DecodeRaw returns the reply as is.
func DecodeRaw(m rueidis.RedisMessage) (rueidis.RedisMessage, error) { return m, nil }

// ReadRaw returns a copy of the message.
func ReadRaw(m *rueidis.RedisMessage) (rueidis.RedisMessage, error) { return *m, nil }

// ReadInt64 accepts an integer, or a string holding one (a Lua number
// turned into a string by tostring).
func ReadInt64(m *rueidis.RedisMessage) (int64, error) {
	switch {
	case m.IsInt64():
		return m.AsInt64()
	case m.IsString():
		s, _ := m.ToString()
		if v, ok := rt.IntFromString(s); ok {
			return v, nil
		}
	case m.IsFloat64():
		f, _ := m.AsFloat64()
		if v, ok := rt.IntFromDouble(f); ok {
			return v, nil
		}
	}
	return 0, wrongShape(rt.WantInteger, m)
}

// DecodeInt64 is the Decoder form of ReadInt64.
func DecodeInt64(m rueidis.RedisMessage) (int64, error) { return ReadInt64(&m) }

// ReadInt is ReadInt64 for int.
func ReadInt(m *rueidis.RedisMessage) (int, error) {
	v, err := ReadInt64(m)
	if err == nil && !rt.IntFits(v) {
		return 0, wrongShape(rt.WantIntFits, m)
	}
	return int(v), err
}

// DecodeInt is the Decoder form of ReadInt.
func DecodeInt(m rueidis.RedisMessage) (int, error) { return ReadInt(&m) }

// ReadUint64 accepts a non-negative integer or a string holding one.
func ReadUint64(m *rueidis.RedisMessage) (uint64, error) {
	if m.IsString() {
		s, _ := m.ToString()
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
func DecodeUint64(m rueidis.RedisMessage) (uint64, error) { return ReadUint64(&m) }

// ReadString accepts a bulk or status string, or an integer in decimal
// (Lua numbers and strings convert freely).
func ReadString(m *rueidis.RedisMessage) (string, error) {
	switch {
	case m.IsString():
		return m.ToString()
	case m.IsInt64():
		v, _ := m.AsInt64()
		return strconv.FormatInt(v, 10), nil
	}
	return "", wrongShape(rt.WantString, m)
}

// DecodeString is the Decoder form of ReadString.
func DecodeString(m rueidis.RedisMessage) (string, error) { return ReadString(&m) }

// ReadBytes is ReadString into a fresh []byte.
func ReadBytes(m *rueidis.RedisMessage) ([]byte, error) {
	s, err := ReadString(m)
	if err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// DecodeBytes is the Decoder form of ReadBytes.
func DecodeBytes(m rueidis.RedisMessage) ([]byte, error) { return ReadBytes(&m) }

// ReadBool follows Lua's conversion: true becomes the integer 1 and false
// becomes a nil reply. Integers are true when not zero; RESP3 booleans and
// the strings "1", "0", "true", "false" are accepted too.
func ReadBool(m *rueidis.RedisMessage) (bool, error) {
	switch {
	case m.IsNil():
		return false, nil
	case m.IsInt64():
		v, _ := m.AsInt64()
		return v != 0, nil
	case m.IsBool():
		return m.AsBool()
	case m.IsString():
		s, _ := m.ToString()
		if v, ok := rt.BoolFromString(s); ok {
			return v, nil
		}
	}
	return false, wrongShape(rt.WantBool, m)
}

// DecodeBool is the Decoder form of ReadBool.
func DecodeBool(m rueidis.RedisMessage) (bool, error) { return ReadBool(&m) }

// ReadFloat64 accepts a string (Lua floats must be returned with tostring,
// since Redis truncates Lua numbers to integers), an integer or a double.
func ReadFloat64(m *rueidis.RedisMessage) (float64, error) {
	switch {
	case m.IsString():
		s, _ := m.ToString()
		if v, ok := rt.FloatFromString(s); ok {
			return v, nil
		}
	case m.IsInt64():
		v, _ := m.AsInt64()
		return float64(v), nil
	case m.IsFloat64():
		return m.AsFloat64()
	}
	return 0, wrongShape(rt.WantNumber, m)
}

// DecodeFloat64 is the Decoder form of ReadFloat64.
func DecodeFloat64(m rueidis.RedisMessage) (float64, error) { return ReadFloat64(&m) }

// ReadDuration reads milliseconds.
func ReadDuration(m *rueidis.RedisMessage) (time.Duration, error) {
	v, err := ReadInt64(m)
	d, ok := rt.DurationFromMillis(v)
	if err != nil || !ok {
		return 0, wrongShape(rt.WantDuration, m)
	}
	return d, nil
}

// DecodeDuration is the Decoder form of ReadDuration.
func DecodeDuration(m rueidis.RedisMessage) (time.Duration, error) { return ReadDuration(&m) }

// ReadTime reads Unix milliseconds.
func ReadTime(m *rueidis.RedisMessage) (time.Time, error) {
	v, err := ReadInt64(m)
	if err != nil {
		return time.Time{}, wrongShape(rt.WantTime, m)
	}
	return time.UnixMilli(v), nil
}

// DecodeTime is the Decoder form of ReadTime.
func DecodeTime(m rueidis.RedisMessage) (time.Time, error) { return ReadTime(&m) }

// ReadStrings accepts an array of strings (integers in decimal). A nil
// reply gives a nil slice.
func ReadStrings(m *rueidis.RedisMessage) ([]string, error) {
	if m.IsNil() {
		return nil, nil
	}
	if !m.IsArray() {
		return nil, wrongShape(rt.WantStrings, m)
	}
	a, _ := m.ToArray()
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
func DecodeStrings(m rueidis.RedisMessage) ([]string, error) { return ReadStrings(&m) }

// ReadInt64s accepts an array of integers. A nil reply gives a nil slice.
func ReadInt64s(m *rueidis.RedisMessage) ([]int64, error) {
	if m.IsNil() {
		return nil, nil
	}
	if !m.IsArray() {
		return nil, wrongShape(rt.WantInt64s, m)
	}
	a, _ := m.ToArray()
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
func DecodeInt64s(m rueidis.RedisMessage) ([]int64, error) { return ReadInt64s(&m) }

// ReadStringMap accepts a flat array of field/value pairs (what a Lua
// table of pairs or HGETALL gives) or a RESP3 map. A nil reply gives a nil map.
func ReadStringMap(m *rueidis.RedisMessage) (map[string]string, error) {
	switch {
	case m.IsNil():
		return nil, nil
	case m.IsMap():
		// rueidis's ToMap takes string keys only: a RESP3 map with other
		// keys (a Lua {map={[1]='a'}}) is a wrong shape, not an empty map.
		mm, err := m.ToMap()
		if err != nil {
			return nil, wrongShape(rt.WantStringKeys, m)
		}
		out := make(map[string]string, len(mm))
		for k, v := range mm {
			s, err := ReadString(&v)
			if err != nil {
				return nil, rt.MapValueError(k, err)
			}
			out[k] = s
		}
		return out, nil
	case m.IsArray():
		a, _ := m.ToArray()
		if len(a)%2 != 0 {
			return nil, wrongShape(rt.WantPairs, m)
		}
		out := make(map[string]string, len(a)/2)
		for i := 0; i < len(a); i += 2 {
			k, err := ReadString(&a[i])
			if err != nil {
				return nil, rt.PairFieldError(i/2, err)
			}
			v, err := ReadString(&a[i+1])
			if err != nil {
				return nil, rt.MapValueError(k, err)
			}
			out[k] = v
		}
		return out, nil
	}
	return nil, wrongShape(rt.WantStringMap, m)
}

// DecodeStringMap is the Decoder form of ReadStringMap.
func DecodeStringMap(m rueidis.RedisMessage) (map[string]string, error) { return ReadStringMap(&m) }

// Nullable decodes with dec unless the reply is nil, which gives nil.
func Nullable[T any](m rueidis.RedisMessage, dec Decoder[T]) (*T, error) {
	if m.IsNil() {
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
func Fields(m *rueidis.RedisMessage, n int) ([]rueidis.RedisMessage, error) {
	if !m.IsArray() {
		return nil, wrongShape(rt.WantFields(n), m)
	}
	a, _ := m.ToArray()
	if len(a) > n {
		return nil, wrongShape(rt.WantFields(n), m)
	}
	return a, nil
}

// Field reads element i of a struct result.
func Field[T any](fields []rueidis.RedisMessage, i int, name string, dec Reader[T]) (T, error) {
	if i < len(fields) {
		v, err := dec(&fields[i])
		if err != nil {
			return v, fieldError(name, i, err)
		}
		return v, nil
	}
	var zero T
	return zero, missingField(name, i, len(fields))
}

func fieldError(name string, i int, err error) error { return rt.FieldError(name, i, err) }

func missingField(name string, i, n int) error { return rt.MissingField(name, i, n) }

// NullableField decodes element i of a struct result; absent or nil gives nil.
func NullableField[T any](fields []rueidis.RedisMessage, i int, name string, dec Reader[T]) (*T, error) {
	if i >= len(fields) || fields[i].IsNil() {
		return nil, nil
	}
	v, err := dec(&fields[i])
	if err != nil {
		return nil, fieldError(name, i, err)
	}
	return &v, nil
}

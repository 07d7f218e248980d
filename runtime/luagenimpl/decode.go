package luagenimpl

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/redis/rueidis"
)

// Decoder turns a script's reply into its declared Go result. A reply of the
// wrong shape is an error, never a panic.
type Decoder[T any] func(rueidis.RedisMessage) (T, error)

// Reader is a Decoder that reads a message in place: an element of an array
// reply or a field of a struct result. Each DecodeX has a ReadX; generated
// struct decoders use the ReadX forms, which do not copy the message (a
// RedisMessage is passed on the stack, not in registers).
type Reader[T any] func(*rueidis.RedisMessage) (T, error)

// shapeError says what a decoder wanted and what it got.
type shapeError struct {
	want string
	got  string
}

func (e *shapeError) Error() string { return "want " + e.want + ", got " + e.got }

func wrongShape(want string, m *rueidis.RedisMessage) error {
	return &shapeError{want: want, got: describe(m)}
}

// describe names a reply's kind for error messages, with a short excerpt.
func describe(m *rueidis.RedisMessage) string {
	switch {
	case m.IsNil():
		return "nil"
	case m.IsInt64():
		v, _ := m.AsInt64()
		return "integer " + strconv.FormatInt(v, 10)
	case m.IsString():
		s, _ := m.ToString()
		if len(s) > 32 {
			s = s[:32] + "..."
		}
		return "string " + strconv.Quote(s)
	case m.IsFloat64():
		v, _ := m.AsFloat64()
		return "double " + strconv.FormatFloat(v, 'g', -1, 64)
	case m.IsBool():
		v, _ := m.AsBool()
		return "boolean " + strconv.FormatBool(v)
	case m.IsArray():
		a, _ := m.ToArray()
		return "array of " + strconv.Itoa(len(a))
	case m.IsMap():
		mm, err := m.ToMap()
		if err != nil {
			return "map with non-string keys"
		}
		return "map of " + strconv.Itoa(len(mm))
	case m.Error() != nil:
		return "error " + strconv.Quote(m.Error().Error())
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
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			return v, nil
		}
	case m.IsFloat64():
		if f, _ := m.AsFloat64(); f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
			return int64(f), nil
		}
	}
	return 0, wrongShape("integer", m)
}

// DecodeInt64 is the Decoder form of ReadInt64.
func DecodeInt64(m rueidis.RedisMessage) (int64, error) { return ReadInt64(&m) }

// ReadInt is ReadInt64 for int.
func ReadInt(m *rueidis.RedisMessage) (int, error) {
	v, err := ReadInt64(m)
	if err == nil && int64(int(v)) != v {
		return 0, wrongShape("integer that fits an int", m)
	}
	return int(v), err
}

// DecodeInt is the Decoder form of ReadInt.
func DecodeInt(m rueidis.RedisMessage) (int, error) { return ReadInt(&m) }

// ReadUint64 accepts a non-negative integer or a string holding one.
func ReadUint64(m *rueidis.RedisMessage) (uint64, error) {
	if m.IsString() {
		s, _ := m.ToString()
		if v, err := strconv.ParseUint(s, 10, 64); err == nil {
			return v, nil
		}
		return 0, wrongShape("unsigned integer", m)
	}
	v, err := ReadInt64(m)
	if err != nil || v < 0 {
		return 0, wrongShape("unsigned integer", m)
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
	return "", wrongShape("string", m)
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
		switch s, _ := m.ToString(); s {
		case "1", "true":
			return true, nil
		case "0", "false":
			return false, nil
		}
	}
	return false, wrongShape("boolean (integer or nil)", m)
}

// DecodeBool is the Decoder form of ReadBool.
func DecodeBool(m rueidis.RedisMessage) (bool, error) { return ReadBool(&m) }

// ReadFloat64 accepts a string (Lua floats must be returned with tostring,
// since Redis truncates Lua numbers to integers), an integer or a double.
func ReadFloat64(m *rueidis.RedisMessage) (float64, error) {
	switch {
	case m.IsString():
		s, _ := m.ToString()
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			return v, nil
		}
	case m.IsInt64():
		v, _ := m.AsInt64()
		return float64(v), nil
	case m.IsFloat64():
		return m.AsFloat64()
	}
	return 0, wrongShape("number", m)
}

// DecodeFloat64 is the Decoder form of ReadFloat64.
func DecodeFloat64(m rueidis.RedisMessage) (float64, error) { return ReadFloat64(&m) }

// ReadDuration reads milliseconds.
func ReadDuration(m *rueidis.RedisMessage) (time.Duration, error) {
	v, err := ReadInt64(m)
	if err != nil || v > math.MaxInt64/int64(time.Millisecond) || v < math.MinInt64/int64(time.Millisecond) {
		return 0, wrongShape("integer milliseconds within ±292 years", m)
	}
	return time.Duration(v) * time.Millisecond, nil
}

// DecodeDuration is the Decoder form of ReadDuration.
func DecodeDuration(m rueidis.RedisMessage) (time.Duration, error) { return ReadDuration(&m) }

// ReadTime reads Unix milliseconds.
func ReadTime(m *rueidis.RedisMessage) (time.Time, error) {
	v, err := ReadInt64(m)
	if err != nil {
		return time.Time{}, wrongShape("integer Unix milliseconds", m)
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
		return nil, wrongShape("array of strings", m)
	}
	a, _ := m.ToArray()
	out := make([]string, len(a))
	for i := range a {
		v, err := ReadString(&a[i])
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i+1, err)
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
		return nil, wrongShape("array of integers", m)
	}
	a, _ := m.ToArray()
	out := make([]int64, len(a))
	for i := range a {
		v, err := ReadInt64(&a[i])
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i+1, err)
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
			return nil, wrongShape("map with string keys", m)
		}
		out := make(map[string]string, len(mm))
		for k, v := range mm {
			s, err := ReadString(&v)
			if err != nil {
				return nil, fmt.Errorf("value of %q: %w", k, err)
			}
			out[k] = s
		}
		return out, nil
	case m.IsArray():
		a, _ := m.ToArray()
		if len(a)%2 != 0 {
			return nil, wrongShape("array of field/value pairs (even length)", m)
		}
		out := make(map[string]string, len(a)/2)
		for i := 0; i < len(a); i += 2 {
			k, err := ReadString(&a[i])
			if err != nil {
				return nil, fmt.Errorf("field %d: %w", i/2+1, err)
			}
			v, err := ReadString(&a[i+1])
			if err != nil {
				return nil, fmt.Errorf("value of %q: %w", k, err)
			}
			out[k] = v
		}
		return out, nil
	}
	return nil, wrongShape("array of field/value pairs or map", m)
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
		return nil, wrongShape("array of "+strconv.Itoa(n)+" fields", m)
	}
	a, _ := m.ToArray()
	if len(a) > n {
		return nil, wrongShape("array of "+strconv.Itoa(n)+" fields", m)
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

func fieldError(name string, i int, err error) error {
	return fmt.Errorf("field %s (element %d): %w", name, i+1, err)
}

func missingField(name string, i, n int) error {
	return fmt.Errorf("field %s (element %d): missing: the reply has %d elements (a Lua array ends at its first nil)", name, i+1, n)
}

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

package goredis_test

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/luagen/luagen/goredis"
	"github.com/luagen/luagen/goredis/luagenimpl"
	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/internal/rt"
)

type struct2 struct {
	A int64
	B *string
}

func decodeStruct2(m any) (r struct2, err error) {
	f, err := luagenimpl.Fields(&m, 2)
	if err != nil {
		return r, err
	}
	if r.A, err = luagenimpl.Field(f, 0, "a", luagenimpl.ReadInt64); err != nil {
		return r, err
	}
	if r.B, err = luagenimpl.NullableField(f, 1, "b", luagenimpl.ReadString); err != nil {
		return r, err
	}
	return r, nil
}

// decoders are goredis/luagenimpl's decoders by the names rt.DecodeCases uses.
var decoders = map[string]func(any) (any, error){
	"Int64":     wrap(luagenimpl.DecodeInt64),
	"Int":       wrap(luagenimpl.DecodeInt),
	"Uint64":    wrap(luagenimpl.DecodeUint64),
	"String":    wrap(luagenimpl.DecodeString),
	"Bytes":     wrap(luagenimpl.DecodeBytes),
	"Bool":      wrap(luagenimpl.DecodeBool),
	"Float64":   wrap(luagenimpl.DecodeFloat64),
	"Duration":  wrap(luagenimpl.DecodeDuration),
	"Time":      wrap(luagenimpl.DecodeTime),
	"Strings":   wrap(luagenimpl.DecodeStrings),
	"Int64s":    wrap(luagenimpl.DecodeInt64s),
	"StringMap": wrap(luagenimpl.DecodeStringMap),
	"Struct2": func(m any) (any, error) {
		v, err := decodeStruct2(m)
		out := [2]any{v.A, nil}
		if v.B != nil {
			out[1] = *v.B
		}
		return out, err
	},
}

func wrap[T any](dec luagenimpl.Decoder[T]) func(any) (any, error) {
	return func(m any) (any, error) { return dec(m) }
}

// TestDecodeCases runs internal/rt's table of replies (the one the rueidis
// backend's decoders are tested with) against this backend's decoders, on
// replies a real server sends over RESP3.
func TestDecodeCases(t *testing.T) {
	sa := redistest.Standalone(t)
	c := newClient(t, sa.Addr())
	ctx := ctxT(t)
	for _, tc := range rt.DecodeCases {
		v, err := c.Eval(ctx, "redis.setresp(3)\n"+tc.Lua, nil).Result()
		if err != nil && err.Error() != "redis: nil" {
			t.Fatalf("%s: %v", tc.Lua, err)
		}
		for name, want := range tc.Want {
			dec := decoders[name]
			if dec == nil {
				t.Fatalf("no decoder %s", name)
			}
			got, err := dec(v)
			if msg, ok := want.(string); ok && strings.HasPrefix(msg, "error: ") {
				if err == nil || err.Error() != strings.TrimPrefix(msg, "error: ") {
					t.Errorf("%s as %s: got %#v, %v; want error %q", tc.Lua, name, got, err, strings.TrimPrefix(msg, "error: "))
				}
				continue
			}
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%s as %s: got %#v, %v; want %#v", tc.Lua, name, got, err, want)
			}
		}
	}
}

// TestErrorCases runs internal/rt's script errors (the rueidis backend's
// tests run them too): both backends give the same Code, Msg and Line.
func TestErrorCases(t *testing.T) {
	sa := redistest.Standalone(t)
	r := goredis.New(newClient(t, sa.Addr()))
	ctx := ctxT(t)
	for i, tc := range rt.ErrorCases {
		s := newScript("e"+strconv.Itoa(i), tc.Body, false)
		_, err := luagenimpl.Call(ctx, r, s, []string{prefix(t)}, nil, luagenimpl.DecodeRaw)
		var se *goredis.ScriptError
		if !errors.As(err, &se) || se.Code != tc.Code || !strings.HasPrefix(se.Msg, tc.Msg) || se.Line != tc.Line {
			t.Errorf("%q: got %#v; want Code %s, Msg %q..., Line %d", tc.Body, err, tc.Code, tc.Msg, tc.Line)
		}
	}
}

package luagenimpl_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/redis/rueidis"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/luagen/luagen/internal/rt"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
)

type struct2 struct {
	A int64
	B *string
}

func decodeStruct2(m rueidis.RedisMessage) (r struct2, err error) {
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

// decoders are runtime/luagenimpl's decoders by the names rt.DecodeCases uses.
var decoders = map[string]func(rueidis.RedisMessage) (any, error){
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
	"Struct2": func(m rueidis.RedisMessage) (any, error) {
		v, err := decodeStruct2(m)
		out := [2]any{v.A, nil}
		if v.B != nil {
			out[1] = *v.B
		}
		return out, err
	},
}

func wrap[T any](dec luagenimpl.Decoder[T]) func(rueidis.RedisMessage) (any, error) {
	return func(m rueidis.RedisMessage) (any, error) { return dec(m) }
}

// TestDecodeCases runs internal/rt's table of replies (the one the go-redis
// backend's decoders are tested with) against these decoders, on replies a
// real server sends over RESP3.
func TestDecodeCases(t *testing.T) {
	sa := redistest.NewStandalone(t)
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{sa.Addr()}, DisableCache: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, tc := range rt.DecodeCases {
		res := c.Do(ctx, c.B().Eval().Script("redis.setresp(3)\n"+tc.Lua).Numkeys(0).Build())
		if err := res.NonRedisError(); err != nil {
			t.Fatalf("%s: %v", tc.Lua, err)
		}
		m, _ := res.ToMessage()
		for name, want := range tc.Want {
			dec := decoders[name]
			if dec == nil {
				t.Fatalf("no decoder %s", name)
			}
			got, err := dec(m)
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

// TestErrorCases runs internal/rt's script errors (the go-redis backend's
// tests run them too): both backends give the same Code, Msg and Line.
func TestErrorCases(t *testing.T) {
	sa := redistest.NewStandalone(t)
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{sa.Addr()}, DisableCache: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := runtime.New(c)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i, tc := range rt.ErrorCases {
		src := fmt.Sprintf("-- e%d %d\n%s", i, time.Now().UnixNano(), tc.Body)
		sum := sha1.Sum([]byte(src))
		s := luagenimpl.NewScript(fmt.Sprintf("e%d", i), "scripts/e.lua", src, hex.EncodeToString(sum[:]), false)
		_, err := luagenimpl.Call(ctx, r, s, []string{fmt.Sprintf("errcase:%d:%d", i, time.Now().UnixNano())}, nil, luagenimpl.DecodeRaw)
		var se *runtime.ScriptError
		if !errors.As(err, &se) || se.Code != tc.Code || !strings.HasPrefix(se.Msg, tc.Msg) || se.Line != tc.Line {
			t.Errorf("%q: got %#v; want Code %s, Msg %q..., Line %d", tc.Body, err, tc.Code, tc.Msg, tc.Line)
		}
	}
}

package core

import (
	"github.com/luagen/luagen/internal/rt"

	"context"
	"crypto/sha1"
	"encoding/hex"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/rueidis"
)

// TestFunctionsDowngrade: a runner that took the server for one with
// Functions (a node of a cluster in the middle of an upgrade answered
// FUNCTION STATS) and gets "unknown command" for FCALL goes by scripts from
// then on, and the calls that got it are run again, once: single calls and
// batches.
func TestFunctionsDowngrade(t *testing.T) {
	mr := miniredis.RunT(t)
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{mr.Addr()}, DisableCache: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	decode := func(m rueidis.RedisMessage) (int64, error) { return m.AsInt64() }
	src := "return redis.call('INCR', KEYS[1])"
	lib := rt.NewLibrary("l", "#!lua name=l\n", "v")
	sum := sha1.Sum([]byte(src))
	s := rt.InLibrary(rt.NewScript("Incr", "incr.lua", src, hex.EncodeToString(sum[:]), false), lib, "incr", 0)

	for _, batched := range []bool{false, true} {
		r := New(c, nil, Hooks{})
		r.fn.SetHas()
		var n int64
		if batched {
			b := r.NewBatch()
			f := NewFuture(b, b.Add(s, []string{"k"}, nil), decode)
			if err := b.Exec(ctx); err != nil {
				t.Fatal(err)
			}
			n, err = f.Get()
		} else {
			n, err = Call(ctx, r, s, []string{"k"}, nil, decode)
		}
		want := int64(1)
		if batched {
			want = 2
		}
		if err != nil || n != want {
			t.Fatalf("batched=%v: %d, %v; want %d (the call run once, by script)", batched, n, err, want)
		}
		if r.fn.Has() || r.fn.Unknown() {
			t.Errorf("batched=%v: the runner still goes by FCALL", batched)
		}
	}
}

func TestIsUnknownFcall(t *testing.T) {
	for msg, want := range map[string]bool{
		"ERR unknown command 'FCALL', with args beginning with: 'f' '0' ":              true,
		"ERR unknown command `FCALL_RO`, with args beginning with: `f` `0`":            true,
		"unknown command `fcall`, with args beginning with: ":                          true,
		"ERR unknown command 'GET', with args beginning with: ":                        false,
		"ERR Unknown Redis command called from script script: f, on @user_function:3.": false,
		"MYERR unknown command fcall":                                                  false,
	} {
		if got := rt.IsUnknownFcall(msg); got != want {
			t.Errorf("rt.IsUnknownFcall(%q) = %v", msg, got)
		}
	}
}

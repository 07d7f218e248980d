package core

import (
	"github.com/luagen/luagen/internal/rt"

	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/luagen/luagen/internal/redistest"
	"github.com/redis/rueidis"
)

// TestLoadRefusalExpires: after the server refused SCRIPT LOAD (an ACL
// without script|load), NOSCRIPT calls go by EVAL with no new SCRIPT LOAD
// attempt for loadRetry (a minute; shortened here); after that the runner
// tries SCRIPT LOAD again, and once the ACL allows it, recovers by loading,
// with no EVAL — single calls and batches alike.
func TestLoadRefusalExpires(t *testing.T) {
	sa := redistest.NewStandalone(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := sa.Do("ACL", "SETUSER", "app", "on", ">pw", "~*", "-@all", "+evalsha", "+eval", "+incr", "+ping"); err != nil {
		t.Fatal(err)
	}
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{sa.Addr()}, DisableCache: true, Username: "app", Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	r := New(client, nil, Hooks{})
	r.loads.Retry = 2 * time.Second
	src := fmt.Sprintf("-- refusal %d\nreturn redis.call('INCR', KEYS[1])", time.Now().UnixNano())
	sum := sha1.Sum([]byte(src))
	s := rt.NewScript("incr", "scripts/incr.lua", src, hex.EncodeToString(sum[:]), false)
	decode := func(m rueidis.RedisMessage) (int64, error) { return m.AsInt64() }

	n := 0
	// step flushes the script cache, makes a single call and a batch of
	// one call, and returns how many SCRIPT LOADs were sent (accepted or
	// refused) and how many EVALs.
	step := func(name string) (loads, evals int64) {
		t.Helper()
		before := commandStats(t, sa)
		if _, err := sa.Do("SCRIPT", "FLUSH"); err != nil {
			t.Fatal(err)
		}
		n++
		if v, err := Call(ctx, r, s, []string{"single"}, nil, decode); err != nil || v != int64(n) {
			t.Fatalf("%s: single call = %d, %v; want %d", name, v, err, n)
		}
		if _, err := sa.Do("SCRIPT", "FLUSH"); err != nil {
			t.Fatal(err)
		}
		b := r.NewBatch()
		b.Add(s, []string{"batch"}, nil)
		if err := b.Exec(ctx); err != nil {
			t.Fatalf("%s: batch: %v", name, err)
		}
		if v, err := b.res[0].AsInt64(); err != nil || v != int64(n) {
			t.Fatalf("%s: batch call = %d, %v; want %d", name, v, err, n)
		}
		after := commandStats(t, sa)
		loads = after["script|load"] - before["script|load"]
		evals = after["eval"] - before["eval"]
		t.Logf("%s: %d SCRIPT LOAD sent, %d EVAL", name, loads, evals)
		return loads, evals
	}

	if loads, evals := step("refused"); loads == 0 || evals != 2 {
		t.Errorf("first refusal: %d SCRIPT LOAD, %d EVAL; want some refused loads and 2 EVAL", loads, evals)
	}
	if loads, evals := step("within the minute"); loads != 0 || evals != 2 {
		t.Errorf("while the refusal holds: %d SCRIPT LOAD, %d EVAL; want 0 and 2", loads, evals)
	}
	if _, err := sa.Do("ACL", "SETUSER", "app", "+script|load"); err != nil {
		t.Fatal(err)
	}
	if loads, evals := step("allowed, within the minute"); loads != 0 || evals != 2 {
		t.Errorf("allowed but within the minute: %d SCRIPT LOAD, %d EVAL; want 0 and 2", loads, evals)
	}
	time.Sleep(r.loads.Retry)
	if loads, evals := step("allowed, after the minute"); loads != 2 || evals != 0 {
		t.Errorf("after the refusal expired: %d SCRIPT LOAD, %d EVAL; want 2 and 0", loads, evals)
	}
}

// commandStats returns INFO commandstats as calls plus rejected calls per
// command: every time it was sent.
func commandStats(t *testing.T, s *redistest.Server) map[string]int64 {
	t.Helper()
	info, err := s.Info("commandstats")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for k, v := range info {
		name, ok := strings.CutPrefix(k, "cmdstat_")
		if !ok {
			continue
		}
		for field := range strings.SplitSeq(v, ",") {
			key, val, _ := strings.Cut(field, "=")
			if key == "calls" || key == "rejected_calls" {
				num, _ := strconv.ParseInt(val, 10, 64)
				out[name] += num
			}
		}
	}
	return out
}

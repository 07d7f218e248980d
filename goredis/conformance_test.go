package goredis_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/luagen/luagen/goredis"
	"github.com/luagen/luagen/goredis/luagenimpl"
	"github.com/luagen/luagen/internal/conformance"
	"github.com/luagen/luagen/internal/rt"
)

// TestConformance runs the semantics both backends share
// (internal/conformance.RunSemantics, the suite package runtime runs on
// rueidis) on this backend.
func TestConformance(t *testing.T) { conformance.RunSemantics(t, goredisBackend{}) }

// goredisBackend is the conformance suites' adapter to this backend: runners
// on go-redis clients made with go-redis's default options (its own retries
// included), called the way generated code calls them.
type goredisBackend struct{}

func (goredisBackend) Name() string { return "go-redis" }

func (goredisBackend) Connect(t testing.TB, d conformance.Deployment, o conformance.Options) conformance.Runner {
	t.Helper()
	var c redis.UniversalClient
	switch d.Kind {
	case conformance.Cluster:
		c = redis.NewClusterClient(&redis.ClusterOptions{Addrs: d.Addrs})
	case conformance.Sentinel:
		c = redis.NewFailoverClient(&redis.FailoverOptions{MasterName: d.MasterSet, SentinelAddrs: d.Addrs})
	default:
		c = redis.NewClient(&redis.Options{Addr: d.Addrs[0]})
	}
	return goredisRunner{c: c, r: goredis.New(c, goredis.WithHooks(o.Hooks))}
}

func (goredisBackend) ErrKind(err error) string {
	var re redis.Error
	if errors.As(err, &re) {
		code, _, _ := strings.Cut(re.Error(), " ")
		return code
	}
	if errors.Is(err, redis.ErrClosed) {
		return "closing"
	}
	return ""
}

type goredisRunner struct {
	c redis.UniversalClient
	r *goredis.Runner
}

func (r goredisRunner) Call(ctx context.Context, s *rt.Script, keys, args []string, d conformance.Decode) conformance.Result {
	var v any
	var err error
	switch d {
	case conformance.Int64:
		v, err = luagenimpl.Call(ctx, r.r, s, keys, args, luagenimpl.DecodeInt64)
	case conformance.String:
		v, err = luagenimpl.Call(ctx, r.r, s, keys, args, luagenimpl.DecodeString)
	default:
		v, err = luagenimpl.Call(ctx, r.r, s, keys, args, decodePlain)
	}
	if err != nil {
		return conformance.Result{Err: err}
	}
	return conformance.Result{Value: v}
}

func (r goredisRunner) Batch(ctx context.Context, calls []conformance.Call) ([]conformance.Result, error) {
	b := r.r.NewBatch()
	gets := make([]func() (any, error), len(calls))
	for i, c := range calls {
		n := luagenimpl.Add(b, c.Script, c.Keys, c.Args)
		switch c.Decode {
		case conformance.Int64:
			f := luagenimpl.NewFuture(b, n, luagenimpl.DecodeInt64)
			gets[i] = func() (any, error) { return f.Get() }
		case conformance.String:
			f := luagenimpl.NewFuture(b, n, luagenimpl.DecodeString)
			gets[i] = func() (any, error) { return f.Get() }
		default:
			f := luagenimpl.NewFuture(b, n, decodePlain)
			gets[i] = func() (any, error) { return f.Get() }
		}
	}
	err := b.Exec(ctx)
	res := make([]conformance.Result, len(calls))
	for i, get := range gets {
		if v, err := get(); err != nil {
			res[i].Err = err
		} else {
			res[i].Value = v
		}
	}
	return res, err
}

func (r goredisRunner) Load(ctx context.Context, scripts ...*rt.Script) error {
	return r.r.Load(ctx, scripts...)
}

func (r goredisRunner) Close() { r.c.Close() }

// decodePlain is DecodeRaw's value as the suites' plain Go values
// (conformance.Raw): nil, int64, string, []any.
func decodePlain(m any) (any, error) {
	raw, err := luagenimpl.DecodeRaw(m)
	if err != nil {
		return nil, err
	}
	return plain(raw), nil
}

func plain(v any) any {
	if arr, ok := v.([]any); ok {
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = plain(e)
		}
		return out
	}
	return v
}

package runtime_test

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/rueidis"

	"github.com/luagen/luagen/internal/conformance"
	"github.com/luagen/luagen/internal/rt"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
)

// TestConformance runs the semantics both backends share
// (internal/conformance.RunSemantics) on the rueidis backend.
func TestConformance(t *testing.T) { conformance.RunSemantics(t, rueidisBackend{}) }

// rueidisBackend is the conformance suites' adapter to this backend: runners
// on rueidis clients, called the way generated code calls them.
type rueidisBackend struct{}

func (rueidisBackend) Name() string { return "rueidis" }

func (rueidisBackend) Connect(t testing.TB, d conformance.Deployment, o conformance.Options) conformance.Runner {
	t.Helper()
	opt := rueidis.ClientOption{InitAddress: d.Addrs, DisableCache: true}
	if d.Kind == conformance.Sentinel {
		opt.Sentinel = rueidis.SentinelOption{MasterSet: d.MasterSet}
	}
	c, err := rueidis.NewClient(opt)
	if err != nil {
		t.Fatalf("rueidis client for %s %v: %v", d.Kind, d.Addrs, err)
	}
	if d.Kind == conformance.Sentinel && c.Mode() != rueidis.ClientModeSentinel {
		t.Fatalf("client mode %v, want sentinel", c.Mode())
	}
	return rueidisRunner{c: c, r: runtime.New(c, runtime.WithHooks(o.Hooks))}
}

func (rueidisBackend) ErrKind(err error) string {
	if re, ok := rueidis.IsRedisErr(err); ok {
		code, _, _ := strings.Cut(re.Error(), " ")
		return code
	}
	if err == rueidis.ErrClosing {
		return "closing"
	}
	return ""
}

type rueidisRunner struct {
	c rueidis.Client
	r *runtime.Runner
}

func (r rueidisRunner) Call(ctx context.Context, s *rt.Script, keys, args []string, d conformance.Decode) conformance.Result {
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

func (r rueidisRunner) Batch(ctx context.Context, calls []conformance.Call) ([]conformance.Result, error) {
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

func (r rueidisRunner) Load(ctx context.Context, scripts ...*rt.Script) error {
	return r.r.Load(ctx, scripts...)
}

func (r rueidisRunner) Close() { r.c.Close() }

// decodePlain is DecodeRaw's message as plain Go values (conformance.Raw).
func decodePlain(m rueidis.RedisMessage) (any, error) {
	raw, err := luagenimpl.DecodeRaw(m)
	if err != nil {
		return nil, err
	}
	return plain(raw)
}

func plain(m rueidis.RedisMessage) (any, error) {
	if m.IsNil() {
		return nil, nil
	}
	if m.IsInt64() {
		return m.AsInt64()
	}
	if m.IsArray() {
		elems, err := m.ToArray()
		if err != nil {
			return nil, err
		}
		out := make([]any, len(elems))
		for i, e := range elems {
			if out[i], err = plain(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return m.ToString()
}

// leakCheck and errKind are the conformance package's, for this package's
// other tests.
func leakCheck(t *testing.T) func() { return conformance.LeakCheck(t) }

func errKind(err error) string { return conformance.ErrKind(rueidisBackend{}, err) }

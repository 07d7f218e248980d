package core

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/luagen/luagen/internal/rt"
)

// functions reports whether the runner calls library scripts by FCALL,
// finding out first when it does not know yet (one FUNCTION STATS; see
// rt.Functions).
func (r *Runner) functions(ctx context.Context) bool {
	return r.fn.Decide(func() (error, string, bool) {
		cmd := redis.NewCmd(ctx, "function", "stats")
		if n := r.oneNode(ctx); n != nil {
			_ = n.Process(ctx, cmd)
		} else {
			_ = r.client.Process(ctx, cmd)
		}
		msg, isReply := replyMsg(cmd.Err())
		return cmd.Err(), msg, isReply
	})
}

// oneNode is a node to ask about the server: the client's node, or on a
// cluster a master; nil for a Ring.
func (r *Runner) oneNode(ctx context.Context) *redis.Client {
	switch r.kind {
	case kindNode:
		return r.client.(*redis.Client)
	case kindCluster:
		n, err := r.cc.MasterForKey(ctx, "0")
		if err == nil {
			return n
		}
	}
	return nil
}

// fcall reports whether calls of s go by FCALL, as decided for the runner.
func (r *Runner) fcall(s *Script) bool { return s.Library() != nil && r.fn.Has() }

// unit is what is loaded for s: its library when s goes by FCALL, else s.
func (r *Runner) unit(s *Script) *Script {
	if r.fcall(s) {
		return rt.LibraryUnit(s.Library())
	}
	return s
}

// isMissing reports whether a call of s got a reply (kind, msg) saying
// that its script or function is not on the node: NOSCRIPT, or for FCALL
// "Function not found". Either way the call did not run.
func (r *Runner) isMissing(s *Script, kind reply, msg string) bool {
	if kind == replyMissing {
		return true
	}
	if kind != replyError || msg == "" || !r.fcall(s) {
		return false
	}
	missing, noFunctions := rt.FunctionMissing(msg)
	if noFunctions {
		r.fn.SetNone()
	}
	return missing
}

// functionLoadCmd is a FUNCTION LOAD of lib: with REPLACE unless keep is
// set. Without REPLACE Redis refuses ("Library 'NAME' already exists")
// before compiling anything when the node has the library: a KeepOrder
// batch sends it ahead of its calls on every node, and a REPLACE there
// would recompile, replicate and persist the library every batch.
func functionLoadCmd(ctx context.Context, lib *Library, keep bool) *redis.Cmd {
	if keep {
		return redis.NewCmd(ctx, "function", "load", lib.Source())
	}
	return redis.NewCmd(ctx, "function", "load", "replace", lib.Source())
}

// unitLoadCmd is the load of u, a script or a library's unit.
func unitLoadCmd(ctx context.Context, u *Script, keep bool) *redis.Cmd {
	if lib := rt.LibraryOf(u); lib != nil {
		return functionLoadCmd(ctx, lib, keep)
	}
	return loadCmd(ctx, u)
}

// loadLibraryOn loads lib on node n; a replica's READONLY is no error (it
// gets the library from its master).
func (r *Runner) loadLibraryOn(ctx context.Context, lib *Library, n *redis.Client) error {
	cmd := functionLoadCmd(ctx, lib, false)
	if n == nil {
		_ = r.client.Process(ctx, cmd)
	} else {
		_ = n.Process(ctx, cmd)
	}
	if msg, ok := replyMsg(cmd.Err()); ok && rt.ErrorCode(msg) == "READONLY" {
		return nil
	}
	return r.loaded(rt.LibraryUnit(lib), cmd)
}

// LibraryVersion is the version of a library one node holds.
type LibraryVersion = rt.LibraryVersion

// Versions lists, for every node the client knows (replicas included) and
// every library, the version the node holds.
func (r *Runner) Versions(ctx context.Context, libs ...*Library) ([]LibraryVersion, error) {
	return r.versions(ctx, libs, false)
}

// Sync replaces each library on every master that holds another version or
// none, and returns what every node held before (Replaced marks the masters
// it loaded). Replicas get the library from their masters.
func (r *Runner) Sync(ctx context.Context, libs ...*Library) ([]LibraryVersion, error) {
	return r.versions(ctx, libs, true)
}

func (r *Runner) versions(ctx context.Context, libs []*Library, replace bool) ([]LibraryVersion, error) {
	if len(libs) == 0 {
		return nil, nil
	}
	if !r.functions(ctx) {
		return nil, errors.New("luagen: the server has no Redis Functions (FUNCTION, FCALL: Redis 7.0 or later); library scripts run as scripts")
	}
	var mu sync.Mutex
	var all []LibraryVersion
	err := r.forEachNode(ctx, func(ctx context.Context, n *redis.Client) error {
		if n == nil {
			return errors.New("luagen: Versions and Sync need a *redis.Client, *redis.ClusterClient or *redis.Ring")
		}
		out, err := r.nodeVersions(ctx, n, libs, replace)
		mu.Lock()
		all = append(all, out...)
		mu.Unlock()
		return err
	})
	sort.SliceStable(all, func(i, j int) bool { return all[i].Node < all[j].Node })
	if err != nil {
		return all, err
	}
	if replace {
		// Loaded libraries count as loaded for the NOSCRIPT-like recovery.
		for _, l := range libs {
			r.loads.Loaded(rt.LibraryUnit(l))
		}
	}
	return all, nil
}

// nodeVersions asks one node its role and the version of each library (one
// round trip), and when replace is set loads those that differ on a master.
func (r *Runner) nodeVersions(ctx context.Context, n *redis.Client, libs []*Library, replace bool) ([]LibraryVersion, error) {
	addr := n.Options().Addr
	pipe := n.Pipeline()
	role := redis.NewCmd(ctx, "role")
	_ = pipe.Process(ctx, role)
	vers := make([]*redis.Cmd, len(libs))
	for i, l := range libs {
		vers[i] = redis.NewCmd(ctx, "fcall_ro", rt.VersionFunction(l.Name()), "0")
		_ = pipe.Process(ctx, vers[i])
	}
	_, _ = pipe.Exec(ctx)
	rv, ok := role.Val().([]any)
	if role.Err() != nil || !ok || len(rv) == 0 {
		return nil, fmt.Errorf("luagen: ROLE on %s: %v", addr, role.Err())
	}
	roleName, _ := rv[0].(string)
	replies := make([]rt.VersionReply, len(libs))
	for i, cmd := range vers {
		v, _ := cmd.Val().(string)
		msg, isReply := replyMsg(cmd.Err())
		replies[i] = rt.VersionReply{Version: v, Err: cmd.Err(), Msg: msg, IsReply: isReply}
	}
	return rt.NodeVersions(addr, roleName, libs, replies, replace, func(l *Library) error { return r.loadLibraryOn(ctx, l, n) })
}

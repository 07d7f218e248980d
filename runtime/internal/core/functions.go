package core

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/redis/rueidis"

	"github.com/luagen/luagen/internal/rt"
)

// functions reports whether the runner calls library scripts by FCALL,
// finding out first when it does not know yet (one FUNCTION STATS; see
// rt.Functions).
func (r *Runner) functions(ctx context.Context) bool {
	return r.fn.Decide(func() (error, string, bool) {
		err := r.client.Do(ctx, r.client.B().FunctionStats().Build()).Error()
		if re, ok := rueidis.IsRedisErr(err); ok {
			return err, re.Error(), true
		}
		return err, "", false
	})
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

// isMissing reports whether res says that the script or function of a call
// of s is not on the node: NOSCRIPT, or for FCALL "Function not found".
// Either way the call did not run.
func (r *Runner) isMissing(s *Script, res rueidis.RedisResult) bool {
	if res.NonRedisError() != nil {
		return false
	}
	re, ok := rueidis.IsRedisErr(res.Error())
	if !ok {
		return false
	}
	if re.IsNoScript() {
		return true
	}
	if !r.fcall(s) {
		return false
	}
	missing, noFunctions := rt.FunctionMissing(re.Error())
	if noFunctions {
		r.fn.SetNone()
	}
	return missing
}

// loadLibraryEverywhere sends FUNCTION LOAD REPLACE of lib to every node in
// parallel. Replicas refuse it (READONLY) and get the library from their
// master, so that refusal is no error.
func (r *Runner) loadLibraryEverywhere(ctx context.Context, lib *Library, nodes map[string]rueidis.Client) error {
	addrs := sortedAddrs(nodes)
	errs := make([]error, len(addrs))
	var wg sync.WaitGroup
	for i, addr := range addrs {
		wg.Go(func() {
			if err := r.loadLibraryOn(ctx, lib, nodes[addr]); err != nil {
				errs[i] = fmt.Errorf("luagen: loading library %s on %s: %w", lib.Name(), addr, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// loadLibraryOn loads lib on one node; a replica's READONLY is no error.
func (r *Runner) loadLibraryOn(ctx context.Context, lib *Library, n rueidis.Client) error {
	res := n.Do(ctx, n.B().FunctionLoad().Replace().FunctionCode(lib.Source()).Build())
	if re, ok := rueidis.IsRedisErr(res.Error()); ok && rt.ErrorCode(re.Error()) == "READONLY" {
		return nil
	}
	return r.loaded(rt.LibraryUnit(lib), res)
}

func sortedAddrs(nodes map[string]rueidis.Client) []string {
	addrs := make([]string, 0, len(nodes))
	for addr := range nodes {
		addrs = append(addrs, addr)
	}
	sort.Strings(addrs)
	return addrs
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
	nodes := r.client.Nodes()
	addrs := sortedAddrs(nodes)
	out := make([][]LibraryVersion, len(addrs))
	errs := make([]error, len(addrs))
	var wg sync.WaitGroup
	for i, addr := range addrs {
		wg.Go(func() {
			out[i], errs[i] = r.nodeVersions(ctx, addr, nodes[addr], libs, replace)
		})
	}
	wg.Wait()
	var all []LibraryVersion
	for _, o := range out {
		all = append(all, o...)
	}
	if err := errors.Join(errs...); err != nil {
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
// round trip), and when sync is set loads those that differ on a master.
func (r *Runner) nodeVersions(ctx context.Context, addr string, n rueidis.Client, libs []*Library, replace bool) ([]LibraryVersion, error) {
	cmds := make(rueidis.Commands, 0, 1+len(libs))
	cmds = append(cmds, n.B().Role().Build())
	for _, l := range libs {
		cmds = append(cmds, n.B().FcallRo().Function(rt.VersionFunction(l.Name())).Numkeys(0).Build())
	}
	res := n.DoMulti(ctx, cmds...)
	role, err := res[0].ToArray()
	if err != nil {
		return nil, fmt.Errorf("luagen: ROLE on %s: %w", addr, err)
	}
	roleName, _ := role[0].ToString()
	replies := make([]rt.VersionReply, len(libs))
	for i := range libs {
		v, err := res[1+i].ToString()
		replies[i] = rt.VersionReply{Version: v, Err: err}
		if re, ok := rueidis.IsRedisErr(err); ok {
			replies[i].Msg, replies[i].IsReply = re.Error(), true
		}
	}
	return rt.NodeVersions(addr, roleName, libs, replies, replace, func(l *Library) error { return r.loadLibraryOn(ctx, l, n) })
}

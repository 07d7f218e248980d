package core

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redis/rueidis"
)

// topology says which master serves each slot of a cluster. rueidis keeps
// its own map private; the runtime needs one to send one SCRIPT LOAD per
// node, not per slot, in the pipeline that carries a node's calls. It is
// only ever used to group slots: commands are routed by rueidis (SetSlot),
// so a stale map costs a missed or extra SCRIPT LOAD, never a misrouted
// call (a call that then meets NOSCRIPT again is recovered as usual).
type topology struct {
	node    [numSlots]uint16 // index of the master serving the slot
	nodes   int
	fetched time.Time
}

const numSlots = 16384

// How often the runner reads CLUSTER SLOTS: when a node answered NOSCRIPT
// to a call whose script was just loaded on "its" node (a sign that the
// map is stale), at most every topologyMinAge; else when the map is older
// than topologyMaxAge. After a failure (an ACL without cluster|slots, a
// node down) it tries again after topologyMaxAge too.
const (
	topologyMinAge = time.Second
	topologyMaxAge = time.Minute
	topologyFetch  = 5 * time.Second // timeout of one CLUSTER SLOTS
)

type topologyCache struct {
	cur      atomic.Pointer[topology]
	stale    atomic.Bool
	fetching atomic.Bool
	tried    atomic.Int64 // UnixNano of the last fetch that failed
}

// topology returns the runner's map of a cluster, or nil while it has
// none, and starts reading CLUSTER SLOTS in the background when there is
// none or it is due. It never waits for Redis.
func (r *Runner) topology() *topology {
	t := r.topo.cur.Load()
	now := time.Now()
	switch {
	case t == nil:
		if tried := r.topo.tried.Load(); tried == 0 || now.Sub(time.Unix(0, tried)) > topologyMaxAge {
			r.refreshTopology()
		}
	case now.Sub(t.fetched) > topologyMaxAge,
		r.topo.stale.Load() && now.Sub(t.fetched) > topologyMinAge:
		r.refreshTopology()
	}
	return t
}

// refreshTopology reads CLUSTER SLOTS in a goroutine, one at a time.
func (r *Runner) refreshTopology() {
	if !r.topo.fetching.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer r.topo.fetching.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), topologyFetch)
		defer cancel()
		t, err := parseSlots(r.client.Do(ctx, r.client.B().ClusterSlots().Build()))
		if err != nil {
			r.topo.tried.Store(time.Now().UnixNano())
			return
		}
		r.topo.cur.Store(t)
		r.topo.stale.Store(false)
	}()
}

var errNoSlots = errors.New("CLUSTER SLOTS: no slot is served")

// parseSlots reads a CLUSTER SLOTS reply: ranges of slots, each with its
// master first. Masters are told apart by node ID (host:port without one).
func parseSlots(res rueidis.RedisResult) (*topology, error) {
	ranges, err := res.ToArray()
	if err != nil {
		return nil, err
	}
	t := &topology{fetched: time.Now()}
	ids := make(map[string]uint16)
	for _, rg := range ranges {
		f, err := rg.ToArray()
		if err != nil || len(f) < 3 {
			continue
		}
		lo, err1 := f[0].AsInt64()
		hi, err2 := f[1].AsInt64()
		m, err3 := f[2].ToArray()
		if err1 != nil || err2 != nil || err3 != nil || len(m) < 2 || lo < 0 || hi >= numSlots || lo > hi {
			continue
		}
		var id string
		if len(m) > 2 {
			id, _ = m[2].ToString()
		}
		if id == "" {
			host, _ := m[0].ToString()
			port, _ := m[1].AsInt64()
			id = host + ":" + strconv.FormatInt(port, 10)
		}
		n, ok := ids[id]
		if !ok {
			n = uint16(len(ids))
			ids[id] = n
		}
		for s := lo; s <= hi; s++ {
			t.node[s] = n
		}
	}
	if len(ids) == 0 {
		return nil, errNoSlots
	}
	t.nodes = len(ids)
	return t, nil
}

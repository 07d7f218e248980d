package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/redis/rueidis"
)

// verify reads back every key pair each method of sc wrote, checks that
// Redis holds exactly what its successful calls wrote, then deletes the
// keys. For every pair, capacity - tokens must equal n × log, and the logs
// must add up to the method's successful calls: a call lost, doubled or
// run after reporting an error shows up here.
func verify(ctx context.Context, sc *scenario) error {
	c := sc.dep.admin
	const chunk = 1000
	for _, r := range sc.results {
		pairs := min(r.off, nslots)
		var counted, bad int64
		var firstBad string
		for lo := 0; lo < pairs; lo += chunk {
			hi := min(lo+chunk, pairs)
			cmds := make(rueidis.Commands, 0, 2*(hi-lo))
			for i := lo; i < hi; i++ {
				cmds = append(cmds,
					c.B().Hget().Key(r.ks[i][0]).Field("tokens").Build(),
					c.B().Get().Key(r.ks[i][1]).Build())
			}
			res := c.DoMulti(ctx, cmds...)
			for i := lo; i < hi; i++ {
				tokens, terr := optInt(res[2*(i-lo)])
				log, lerr := optInt(res[2*(i-lo)+1])
				if terr != nil || lerr != nil {
					return fmt.Errorf("verify %s: %v %v", r.m.name, terr, lerr)
				}
				if tokens < 0 { // bucket never written: no call ran
					tokens = capacity
				}
				if log < 0 {
					log = 0
				}
				counted += log
				if capacity-tokens != takeN*log {
					bad++
					if firstBad == "" {
						firstBad = fmt.Sprintf("%s: %d tokens left but log %d", r.ks[i][0], tokens, log)
					}
				}
			}
			del := make(rueidis.Commands, 0, hi-lo)
			for i := lo; i < hi; i++ {
				del = append(del, c.B().Unlink().Key(r.ks[i][0], r.ks[i][1]).Build())
			}
			for _, res := range c.DoMulti(ctx, del...) {
				if err := res.Error(); err != nil {
					return fmt.Errorf("cleanup %s: %w", r.m.name, err)
				}
			}
		}
		switch {
		case bad > 0:
			r.verifyErr = fmt.Sprintf("%d buckets inconsistent (%s)", bad, firstBad)
		case counted != r.ok:
			r.verifyErr = fmt.Sprintf("Redis counted %d calls, %d succeeded", counted, r.ok)
		default:
			r.verified = true
		}
	}
	return nil
}

// optInt reads an integer string reply; a nil reply is -1.
func optInt(res rueidis.RedisResult) (int64, error) {
	s, err := res.ToString()
	if rueidis.IsRedisNil(err) {
		return -1, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(s, 10, 64)
}

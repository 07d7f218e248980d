package core

// A NOSCRIPT reply means the script did not run, so the call is sent again.
// How depends on how many NOSCRIPTs the call has had, so that the script
// ends up loaded by SCRIPT LOAD (Redis 8 and Valkey 8 evict scripts cached
// by EVAL first, never loaded ones) without a round trip of its own:
//
//  1. by EVALSHA, behind a SCRIPT LOAD of the script in the same pipeline
//     to the same node: one round trip;
//  2. by EVALSHA after SCRIPT LOAD on every node, replicas included: the
//     call went where that load did not (a replica serving EVALSHA_RO, a
//     node the runner's map of the cluster does not know yet);
//  3. by EVAL, which cannot miss.
//
// While the server refuses SCRIPT LOAD (an ACL without script|load), the
// call goes straight by EVAL, which needs no extra permission.
type resend uint8

const (
	resendWithLoad resend = iota
	resendAfterLoadAll
	resendEval
)

// resendAfter says how to send a call again after its n-th NOSCRIPT.
// pipelined is false when its load cannot go in the same pipeline (a batch
// on a cluster whose map the runner has not read yet: it would have to load
// per slot).
func (r *Runner) resendAfter(n uint8, pipelined bool) resend {
	switch {
	case r.loadRefused():
		return resendEval
	case n == 1 && pipelined:
		return resendWithLoad
	case n <= 2:
		return resendAfterLoadAll
	default:
		return resendEval
	}
}

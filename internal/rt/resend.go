package rt

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
type Resend uint8

const (
	ResendWithLoad Resend = iota
	ResendAfterLoadAll
	ResendEval
)

// ResendAfter says how to send a call again after its n-th NOSCRIPT.
// pipelined is false when its load cannot go in the same pipeline (a batch
// on a cluster whose map the runner has not read yet: it would have to load
// per slot); refused is true while the server refuses SCRIPT LOAD.
func ResendAfter(n uint8, pipelined, refused bool) Resend {
	switch {
	case refused:
		return ResendEval
	case n == 1 && pipelined:
		return ResendWithLoad
	case n <= 2:
		return ResendAfterLoadAll
	default:
		return ResendEval
	}
}

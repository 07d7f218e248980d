// Package runtime runs luagen-generated script bindings on a rueidis client.
//
// Application code meets it through generated packages: a Runner per
// rueidis client (New, or a generated package's New, which makes one;
// share it between generated packages with their NewWithRunner), a Batch
// for pipelines that mix calls of several generated packages and plain
// rueidis commands, a Future per queued call, and the errors below.
// What only generated code calls lives in package runtime/luagenimpl.
//
// # Single calls
//
// A generated method sends EVALSHA (EVALSHA_RO for read-only scripts). When
// the server does not have the script (NOSCRIPT) the call did not run, so it
// is sent again once as EVAL (EVAL_RO), which also caches the script on that
// server. In the steady state a call costs one round trip and no SHA1
// hashing.
//
// # Batches
//
// A Batch holds script calls of any generated packages and plain rueidis
// commands. Exec sends them with one rueidis DoMulti, which groups them per
// node and pipelines each group: one round trip per node. When calls come back
// NOSCRIPT, the runner loads those scripts on every node (SCRIPT LOAD, replicas
// included, once per script however many calls failed, and not at all when
// another goroutine loaded it after this batch was sent), then sends only the
// failed calls again by EVALSHA; a call that still gets NOSCRIPT (a node that
// joined or was flushed in between) is sent once more by EVAL. Each call runs
// at most once: it is sent again only after a reply Redis gives before the
// script had any effect (NOSCRIPT, and the ones listed below).
//
// Ordering: within one node, calls run in the order they were queued, except
// that calls sent again (after NOSCRIPT or a retried reply) run after the
// rest of the batch (in their original order among themselves). Scripts whose relative order matters
// should share a batch only if they are already loaded (see Runner.Load) or be
// combined into one script.
//
// Replies that mean the call had no effect, other than NOSCRIPT — TRYAGAIN
// during a slot migration, CLUSTERDOWN during a failover, LOADING from a
// restarted node, READONLY from a node that became a replica, NOREPLICAS
// under min-replicas-to-write, a refused connection to a node that is down —
// are retried too, after a growing pause (10ms up to 250ms, at most 12
// times) and only while the context allows. Network errors
// and timeouts are never retried for write scripts (the script may have run);
// rueidis retries read-only ones (EVALSHA_RO is retryable).
//
// # Slots
//
// On a cluster client (and on any client with WithSlotCheck(true)) each call's
// keys are hashed (CRC16 with hash tags, as Redis does; each key once, the
// first by rueidis's command builder) before anything is sent: keys in
// different slots fail that call with a *CrossSlotError and nothing is sent
// for it. Zero-key calls and keyless plain commands in a
// cluster batch are routed to the slot of the first keyed command, because
// rueidis cannot mix keyless and slotted commands in one cluster DoMulti.
package runtime

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
// is sent again by EVALSHA behind a SCRIPT LOAD of the script, both in one
// pipeline to the node that answered: one more round trip, and the script
// ends up loaded there (Redis 8 and Valkey 8 evict scripts cached by EVAL,
// never loaded ones). EVAL (EVAL_RO) is the fallback while SCRIPT LOAD is
// refused, or when loading did not help twice. In the steady state a call
// costs one round trip and no SHA1 hashing.
//
// # Batches
//
// A Batch holds script calls of any generated packages and plain rueidis
// commands. Exec sends them with one rueidis DoMulti, which groups them per
// node and pipelines each group: one round trip per node. Calls that come
// back NOSCRIPT are sent again in one more DoMulti, behind one SCRIPT LOAD
// per script and node (the runner reads CLUSTER SLOTS in the background to
// know which slots share a node). Until it has that map, and for a call that
// meets NOSCRIPT again (a replica serving EVALSHA_RO, a node that joined), the
// script is first loaded on every node, replicas included (once however many
// calls failed, and not at all when another goroutine did since this batch
// was sent); a call that still gets NOSCRIPT goes once more by EVAL. Each
// call runs at most once: it is sent again only after a reply Redis gives
// before the script had any effect (NOSCRIPT, and the ones listed below).
//
// Ordering: within one node, calls run in the order they were queued, except
// that calls sent again (after NOSCRIPT or a retried reply) run after the
// rest of the batch (in their original order among themselves). A batch
// with KeepOrder keeps each node's order across NOSCRIPT: it loads its
// scripts ahead of each node's calls in the same pipeline, at the cost of a
// SCRIPT LOAD per script and node per batch.
//
// After the server refused SCRIPT LOAD (an ACL without script|load), the
// runner goes by EVAL for a minute without asking again, then tries SCRIPT
// LOAD once more.
//
// Replies that mean the call had no effect, other than NOSCRIPT — TRYAGAIN
// during a slot migration, CLUSTERDOWN during a failover, LOADING from a
// restarted node, READONLY from a node that became a replica, NOREPLICAS
// under min-replicas-to-write, BUSY while another script runs past
// busy-reply-threshold, a refused connection to a node that is down — are
// retried too, after a growing pause (10ms up to 250ms, at most 12 times)
// and only while the context allows; then the last reply stands (a
// *ScriptError whose Code says which). Network errors
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
//
// # Hooks
//
// WithHooks installs Hooks that see every sent script call (script,
// duration, outcome, recoveries and retries) and every Exec, for metrics
// and traces; package github.com/luagen/luagen/otel, a module of its own,
// adapts them to OpenTelemetry. Without hooks they cost nothing.
package runtime

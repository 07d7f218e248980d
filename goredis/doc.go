// Package goredis runs luagen-generated script bindings on a go-redis
// (github.com/redis/go-redis/v9) client: packages generated with
// `client: go-redis` in luagen.yaml. It is a Go module of its own, so that
// programs on rueidis (package github.com/luagen/luagen/runtime) do not get
// go-redis, nor programs on go-redis rueidis. Both backends share the
// script descriptions, error types, hooks, slot hashing, argument
// encoding, decoding rules and retry policy (errors.As with either
// package's error types matches both), and have the same semantics except
// where said below.
//
// Application code meets it through generated packages: a Runner per
// go-redis client (New, or a generated package's New, which makes one;
// share it between generated packages with their NewWithRunner), a Batch
// for pipelines that mix calls of several generated packages and plain
// commands, a Future per queued call, and the errors below. What only
// generated code calls lives in package goredis/luagenimpl.
//
// Clients: a *redis.Client (redis.NewClient, or redis.NewFailoverClient for
// Sentinel), a *redis.ClusterClient (redis.NewClusterClient, or
// redis.NewFailoverClusterClient, which may read from replicas), or a
// *redis.Ring, whose shards are treated as standalone servers the runner
// cannot address one by one (see below). go-redis speaks RESP3 by default;
// the decoders accept RESP2 replies too.
//
// # Single calls
//
// A generated method sends EVALSHA (EVALSHA_RO for read-only scripts). When
// the server does not have the script (NOSCRIPT) the call did not run, so it
// is sent again by EVALSHA behind a SCRIPT LOAD of the script, both in one
// pipeline to the node that answered (on a cluster, the master
// ClusterClient.MasterForKey names for the call's key or key prefix; if
// that node answers MOVED or ASK, the runner loads the script everywhere
// and sends the call again the usual way): one more round trip, and the
// script ends up loaded there. A call with neither key nor key prefix on a
// cluster, a read-only call on a cluster client that reads from replicas,
// and any call on a Ring, cannot name the node that answered: the script is
// loaded on every node first (replicas included; concurrent callers share
// one load). EVAL (EVAL_RO) is the fallback while SCRIPT LOAD is refused,
// or when loading did not help twice. In the steady state a call costs one
// round trip and no SHA1 hashing. With WithAutoPipeline the runner sends
// single calls through the client's autopipeliner (go-redis's
// AutoPipeline): calls made at the same time from many goroutines share
// pipelines, one round trip per node for all of them.
//
// # Batches
//
// A Batch holds script calls of any generated packages (for go-redis) and
// plain commands (Do, with args as go-redis's Client.Do takes them). Exec
// sends them in one go-redis pipeline (client.Pipeline()), which groups them
// per node and pipelines each group, following MOVED and ASK: one round
// trip per node. Calls that come back NOSCRIPT are sent again in one more
// round trip, behind one SCRIPT LOAD per script and node, in one pipeline
// per node (on a cluster, grouped by MasterForKey; the runner keeps no map
// of the cluster of its own). For a call that meets NOSCRIPT again, and for
// the calls that cannot name their node (above), the script is first
// loaded on every node, replicas included (once however many calls failed,
// and not at all when another goroutine did since this batch was sent); a
// call that still gets NOSCRIPT goes once more by EVAL. Each call runs at
// most once: it is sent again only after a reply Redis gives before the
// script had any effect (NOSCRIPT, and the ones listed below).
//
// Ordering: within one node, calls run in the order they were queued, except
// that calls sent again (after NOSCRIPT or a retried reply) run after the
// rest of the batch (in their original order among themselves). A batch
// with KeepOrder keeps each node's order across NOSCRIPT: it loads its
// scripts ahead of each node's calls in the same pipeline, at the cost of a
// SCRIPT LOAD per script and node per batch. On a cluster its pipelines are
// built per master (MasterForKey of each call's key, and of each plain
// command's first key, found by the position COMMAND gives, read once);
// plain commands without keys, or whose keys COMMAND cannot place, go in a
// cluster pipeline of their own at the same time. On a Ring, KeepOrder
// loads the batch's scripts on every shard (a round trip) before sending
// the batch.
//
// After the server refused SCRIPT LOAD (an ACL without script|load), the
// runner goes by EVAL for a minute without asking again, then tries SCRIPT
// LOAD once more.
//
// # Retries
//
// Replies that mean the call had no effect, other than NOSCRIPT — TRYAGAIN
// during a slot migration, CLUSTERDOWN during a failover, LOADING from a
// restarted node, READONLY from a node that became a replica, NOREPLICAS
// under min-replicas-to-write, BUSY while another script runs past
// busy-reply-threshold, a refused connection to a node that is down — are
// retried by the runner, after a growing pause (10ms up to 250ms, at most
// 12 times, 40 for TRYAGAIN) and only while the context allows; then the
// last reply stands (a *ScriptError whose Code says which).
//
// go-redis retries commands by itself (Options.MaxRetries, a cluster's
// MaxRedirects) after network errors and timeouts too, which for a write
// script could run it twice. The runner's script commands (and the SCRIPT
// LOADs in their pipelines) tell go-redis not to (Cmder.NoRetry), whatever
// the client's options: so a script call is sent again only by the runner,
// and only after a reply that proves it did not run. Network errors and
// timeouts are never retried, for read-only scripts either (the rueidis
// backend lets rueidis retry those). go-redis still follows MOVED and ASK,
// and a cluster client sends a single call that got READONLY to the new
// master by itself (the call did not run).
//
// # Slots
//
// On a cluster client (and on any client with WithSlotCheck(true)) each
// call's keys are hashed (CRC16 with hash tags, as Redis does) before
// anything is sent: keys in different slots fail that call with a
// *CrossSlotError, and a key prefix whose hash tag does not put the keys
// built from it in the call's slot with a *PrefixError; nothing is sent
// for it. A call without keys but with a key prefix is routed by the
// prefix. Zero-key calls without a prefix go where go-redis sends keyless
// commands.
//
// # Functions
//
// The scripts of a Functions library (luagen.yaml `library:`) run by FCALL
// (FCALL_RO when read-only) on servers with Redis Functions, found out by
// one FUNCTION STATS at the runner's first call of a library's script, and
// as scripts (EVALSHA of each script's own source) elsewhere. A node
// without the library ("Function not found") is treated like NOSCRIPT: the
// library is loaded (FUNCTION LOAD REPLACE, ahead of the call on its node,
// or on every master) and the call sent again; a KeepOrder batch sends
// FUNCTION LOAD without REPLACE ahead of each node's calls. Versions and
// Sync read and update the libraries nodes hold.
//
// # Hooks
//
// WithHooks installs Hooks that see every sent script call (script,
// duration, outcome, recoveries and retries) and every Exec, for metrics
// and traces. Without hooks they cost nothing.
package goredis

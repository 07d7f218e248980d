--[[luagen
doc: Takes n tokens from a bucket and counts the call in a log; reports whether it was allowed and what is left.
keys:
  - {name: bucket, prefix: true, doc: "hash whose field tokens holds what is left; declared a key prefix, so every call proves its hash tag is in the call's slot"}
  - {name: log, doc: "counter of allowed calls"}
args:
  - {name: n, type: string, doc: "tokens to take"}
  - {name: capacity, type: string, doc: "tokens in a new bucket"}
returns:
  type: struct
  fields:
    - {name: allowed, type: bool}
    - {name: remaining, type: int64}
]]
--
-- Token bucket with an audit counter
-- ==================================
--
-- This script is the unit of work of luagen's benchmark. It is the same
-- token bucket as take_tokens.lua, documented the way a script that lives
-- in a production repository for years tends to be: what it stores, why it
-- is shaped as it is, and what callers may rely on. The comment is part of
-- the script's source, so it is sent to Redis with every EVAL and every
-- SCRIPT LOAD; EVALSHA sends only the 40-character SHA1 of the whole text.
--
-- Data model
-- ----------
-- KEYS[1] (bucket) is a hash. Its field "tokens" holds the tokens left, as
-- a decimal number. A missing hash is a full bucket: it starts with
-- ARGV[2] (capacity) tokens, so callers never have to create buckets
-- up front and an evicted bucket simply starts full again.
--
-- KEYS[2] (log) is a plain counter of the calls that were allowed. It is
-- kept next to the bucket (both keys must share a hash tag, e.g.
-- "{user:42}:bucket" and "{user:42}:log") so that the pair always lives in
-- one slot of a Redis Cluster and this script can touch both atomically.
-- Auditors compare the counter with the tokens taken: for every bucket,
-- capacity - tokens = n * log holds as long as n is the same for all calls.
--
-- Arguments
-- ---------
-- ARGV[1] (n) is the number of tokens to take, a positive integer.
-- ARGV[2] (capacity) is the size of a new bucket. Both arrive as strings
-- and are read with tonumber(); a caller that sends something else gets a
-- Lua error naming the line, and nothing is written.
--
-- Reply
-- -----
-- A two-element array: allowed (1 when the tokens were taken, 0 when the
-- bucket held fewer than n) and remaining (the tokens left, an integer).
-- Lua false would turn into a nil reply and end the array early, which is
-- why allowed is 1 or 0 and never a boolean.
--
-- Guarantees
-- ----------
-- The script runs atomically: no other command sees the bucket between
-- the read and the write. It writes only the keys it is given, so it is
-- safe in a cluster. It is not idempotent: running a call twice takes
-- twice the tokens, which is why a client may re-run it only after a
-- NOSCRIPT reply (the script did not run) and never after a timeout (it
-- may have run). Refills are not this script's business; a separate job
-- (or a variant with a timestamp argument) adds tokens over time.
--
-- Cost
-- ----
-- One HGET, at most one INCR and one HSET: O(1) whatever the bucket size.
-- On a typical server it runs in a few microseconds; the network round
-- trip and the client's encoding cost far more, which is what the
-- benchmark measures. Keep this comment in sync with the code below.
--
-- History
-- -------
-- v1  GET/SET on a string key; lost updates under concurrency, replaced.
-- v2  one hash per bucket; the counter moved next to it under the same
--     hash tag after a cluster migration split the two keys apart.
-- v3  tokens read with tonumber() so a bucket written by older clients as
--     "10.0" still parses; reply changed from a status to an array.
-- v4  allowed is 1/0 instead of true/false: a false in a Lua array ends
--     the reply early, and clients saw a one-element array on denial.
-- v5  documented the audit invariant; no code change. Clients send the
--     script with EVALSHA and fall back to EVAL on NOSCRIPT only, so the
--     size of this comment costs nothing on the wire in the steady state.
--
local n = tonumber(ARGV[1])
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or ARGV[2])
local allowed = 0
if tokens >= n then
  tokens = tokens - n
  allowed = 1
  redis.call('INCR', KEYS[2])
end
redis.call('HSET', KEYS[1], 'tokens', tokens)
return {allowed, tokens}

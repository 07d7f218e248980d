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

--[[luagen
doc: Takes n tokens from a bucket; reports whether it was allowed and what is left.
keys:
  - name: bucket        # KEYS[1]
  - name: log           # KEYS[2]
args:
  - {name: rate, type: float64}          # ARGV[1]
  - {name: capacity, type: int64}        # ARGV[2]
  - {name: now, type: time.Time}         # ARGV[3], sent as Unix milliseconds
returns:
  type: struct
  fields:
    - {name: allowed, type: bool}
    - {name: remaining, type: int64}
    - {name: retry_after, type: time.Duration}
]]
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or capacity)
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or now)
tokens = math.min(capacity, tokens + (now - last) * rate / 1000)
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
  redis.call('XADD', KEYS[2], '*', 'took', 1)
else
  retry = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'last', now)
return {allowed, math.floor(tokens), retry}

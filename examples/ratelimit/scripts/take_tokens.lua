--[[luagen
doc: |
  Takes n tokens from a token bucket that refills at rate tokens per second,
  up to capacity. Refused requests are counted in log.
keys:
  - {name: bucket, doc: hash holding the bucket's tokens and last refill time}
  - {name: log, doc: counter of refused requests}
args:
  - {name: rate, type: float64, doc: tokens added per second}
  - {name: capacity, type: int64, doc: most tokens the bucket holds}
  - {name: now, type: time.Time, doc: the caller's clock}
  - {name: n, type: int64, doc: tokens to take}
returns:
  type: struct
  fields:
    - {name: allowed, type: bool}
    - {name: remaining, type: int64, doc: whole tokens left}
    - {name: retry_after, type: time.Duration, doc: when n tokens will be there again; 0 when allowed}
]]
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local n = tonumber(ARGV[4])

local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate / 1000)

local allowed, retry_after = 0, 0
if tokens >= n then
  tokens = tokens - n
  allowed = 1
else
  retry_after = math.ceil((n - tokens) * 1000 / rate)
  redis.call('INCR', KEYS[2])
end
-- Floats are stored as strings: Redis would truncate a Lua number.
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * 1000 / rate) + 1000)
return {allowed, math.floor(tokens), retry_after}

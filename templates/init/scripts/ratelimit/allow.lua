--[[luagen
doc: Counts one hit in a fixed window and reports whether it is within the limit.
keys:
  - {name: counter, doc: "the window's hit counter"}
args:
  - {name: limit, type: int64, doc: hits allowed per window}
  - {name: window, type: time.Duration, doc: how long a window lasts}
returns:
  type: struct
  fields:
    - {name: allowed, type: bool}
    - {name: remaining, type: int64}
    - {name: reset_after, type: time.Duration}
]]
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
local limit = tonumber(ARGV[1])
local allowed = 0
if hits <= limit then
  allowed = 1
end
-- Lua false becomes a nil reply and would end the array, so send 1/0.
return {allowed, math.max(limit - hits, 0), redis.call('PTTL', KEYS[1])}

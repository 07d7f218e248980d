--[[luagen
keys: [k]
returns: int64
]]
local rcall = redis.call
--- @include "lib/incr"
return incr(KEYS[1])

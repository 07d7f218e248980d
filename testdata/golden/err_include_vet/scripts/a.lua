--[[luagen
keys: [k]
returns: int64
]]
local rcall = redis.call
--- @include "lib/count"
return count(KEYS[1])

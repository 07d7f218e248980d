--[[luagen
keys: [k]
args: [n]
returns: int64
]]
local rcall = redis.call
--- @include "lib/count"
return count(KEYS[1]) + tonumber(ARGV[1])

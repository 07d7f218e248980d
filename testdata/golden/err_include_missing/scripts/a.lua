--[[luagen
keys: [k]
returns: int64
]]
--- @include "lib/nope"
-- @include lib/b
--- @include "lib/b"
return redis.call("INCR", KEYS[1])

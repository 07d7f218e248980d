--- @include "lib/b"
--[[luagen
keys: [k]
returns: int64
]]
return redis.call("INCR", KEYS[1])

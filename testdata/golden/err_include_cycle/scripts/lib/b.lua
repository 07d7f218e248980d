--- @include "c"
local function b(k) return redis.call("INCR", k) end

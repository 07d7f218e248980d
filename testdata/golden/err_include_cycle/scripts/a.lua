--[[luagen
keys: [k]
returns: int64
]]
--- @include "lib/b"
return b(KEYS[1])

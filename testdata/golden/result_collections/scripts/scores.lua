--[[luagen
keys: [list]
returns: '[]int64'
]]
local out = {}
for i, v in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do out[i] = tonumber(v) end
return out

--[[luagen
keys: [k]
]]
local x = redis.call('GET', KEYS[1]
return x

--[[luagen
keys: [key]
returns: raw
]]
return redis.call('GET', KEYS[1])

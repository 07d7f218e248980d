--[[luagen
keys: [k]
returns: raw
]]
return redis.call('GET', KEYS[1])

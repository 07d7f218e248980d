--[[luagen
keys: [k]
returns: string
]]
return redis.call('GET', KEYS[1])

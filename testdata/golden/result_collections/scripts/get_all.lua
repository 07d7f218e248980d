--[[luagen
keys: [hash]
returns: map[string]string
]]
return redis.call('HGETALL', KEYS[1])

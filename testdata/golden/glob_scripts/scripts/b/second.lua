--[[luagen
keys: [k]
returns: int64
]]
return redis.call('STRLEN', KEYS[1])

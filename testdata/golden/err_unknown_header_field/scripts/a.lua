--[[luagen
keys: [k]
return: int64
retruns: int64
]]
return redis.call('GET', KEYS[1])

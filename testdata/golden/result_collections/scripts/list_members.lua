--[[luagen
keys: [set]
returns: '[]string'
]]
return redis.call('SMEMBERS', KEYS[1])

--[[luagen
keys: [k]
returns: none
]]
redis.call('SET', KEYS[1], 1)

--[[luagen
keys: [k]
]]
redis.call('DEL', KEYS[1])

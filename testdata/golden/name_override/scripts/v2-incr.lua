--[[luagen
name: increment_counter
keys: [counter]
returns: int64
]]
return redis.call('INCR', KEYS[1])

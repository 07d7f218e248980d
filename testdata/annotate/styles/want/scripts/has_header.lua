--[[luagen
doc: Already annotated; annotate leaves it alone.
keys: [counter]
returns: int64
]]
return redis.call("INCR", KEYS[1])

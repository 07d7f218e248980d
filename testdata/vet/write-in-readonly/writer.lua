--[[luagen
doc: Not read-only, so writes are fine.
keys: [k]
returns: none
]]
redis.call('SET', KEYS[1], 1)

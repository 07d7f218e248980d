--[[luagen
doc: Commands Redis refuses inside scripts.
keys: [list]
returns: none
]]
redis.call('EVAL', 'return 1', 0)
redis.call('BLPOP', KEYS[1], 0)
redis.call('SCRIPT', 'LOAD', 'return 1')
redis.call('MULTI')

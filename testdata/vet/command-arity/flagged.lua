--[[luagen
doc: Argument counts Redis refuses.
keys: [k]
returns: none
]]
redis.call('GET', KEYS[1], 'extra')
redis.call('SET', KEYS[1])
redis.call('OBJECT')
redis.call('OBJECT', 'ENCODING')
redis.call('GET', KEYS[1], unpack(ARGV), 'x')
redis.call()

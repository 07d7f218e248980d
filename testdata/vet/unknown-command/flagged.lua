--[[luagen
doc: Typos in command names.
keys: [h]
returns: none
]]
redis.call('HSETT', KEYS[1], 'f', 'v')
redis.call('hgett', KEYS[1], 'f')
redis.call('OBJECT', 'ENCODINGX', KEYS[1])
redis.pcall('FROBNICATE')

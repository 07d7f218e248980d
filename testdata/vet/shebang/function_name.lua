#!lua name=mylib
--[[luagen
doc: name= is for Redis functions (FUNCTION LOAD), not scripts.
keys: [k]
returns: none
]]
redis.call('GET', KEYS[1])

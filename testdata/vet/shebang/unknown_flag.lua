#!lua flags=no-write
--[[luagen
doc: A misspelt flag.
keys: [k]
returns: none
]]
redis.call('GET', KEYS[1])

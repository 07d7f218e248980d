#!lua flags=no-writes
--[[luagen
doc: The no-writes flag makes a script read-only even when called with EVALSHA.
keys: [k]
returns: none
]]
redis.call('DEL', KEYS[1])

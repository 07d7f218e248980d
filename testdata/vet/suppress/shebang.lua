#!lua flags=no-cluster
-- luagen:ignore no-cluster this package only ever runs on a standalone server
--[[luagen
doc: The no-cluster warning is silenced from line 2, where nothing else fits.
keys: [k]
returns: none
]]
redis.call('INCR', KEYS[1])

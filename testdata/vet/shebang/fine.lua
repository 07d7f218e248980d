#!lua flags=allow-oom,allow-stale
--[[luagen
doc: Flags that do not stop the script from running on a cluster.
keys: [k]
returns: none
]]
redis.call('INCR', KEYS[1])

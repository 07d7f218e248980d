#!lua flags=allow-oom,no-cluster
--[[luagen
doc: Redis refuses no-cluster scripts on a cluster.
keys: [k]
returns: none
]]
redis.call('INCR', KEYS[1])

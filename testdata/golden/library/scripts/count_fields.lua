#!lua flags=no-writes
--[[luagen
doc: Counts the fields of a hash; safe on replicas.
readonly: true
keys: [hash]
returns: int64
]]
return redis.call('HLEN', KEYS[1])

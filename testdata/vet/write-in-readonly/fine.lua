#!lua flags=no-writes
--[[luagen
doc: Reads only.
readonly: true
keys: [hash]
returns: "map[string]string"
]]
redis.call('HLEN', KEYS[1])
redis.call('OBJECT', 'FREQ', KEYS[1])
return redis.call('HGETALL', KEYS[1])

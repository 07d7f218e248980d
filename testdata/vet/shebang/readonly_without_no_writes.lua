#!lua flags=allow-stale
--[[luagen
doc: Redis refuses EVALSHA_RO for a script with a shebang that lacks no-writes.
readonly: true
keys: [k]
returns: none
]]
redis.call('GET', KEYS[1])

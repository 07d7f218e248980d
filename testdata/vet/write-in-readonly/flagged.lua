--[[luagen
doc: A read-only script that writes.
readonly: true
keys: [counter]
args: [channel]
returns: int64
]]
local n = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], n)
redis.call('OBJECT', 'ENCODING', KEYS[1])
redis.call('XGROUP', 'CREATE', KEYS[1], 'g', '$')
return n

--[[luagen
keys: [queue]
args: [item]
returns: int64
]]
return redis.call('LPUSH', KEYS[1], ARGV[1])

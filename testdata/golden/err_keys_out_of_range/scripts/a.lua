--[[luagen
keys: [a, b]
args: [v]
]]
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[1])
return redis.call('GET', KEYS[3]) .. ARGV[2]

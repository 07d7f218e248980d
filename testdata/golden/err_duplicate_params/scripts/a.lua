--[[luagen
keys: [k, k]
args: [k]
]]
return redis.call('GET', KEYS[1]) .. KEYS[2] .. ARGV[1]

--[[luagen
doc: generator/check's findings come out of vet with their check names.
keys: [a, route]
args: [x, unused]
returns: none
]]
redis.call('SET', KEYS[1], ARGV[1])
redis.call('GET', KEYS[3])
redis.call('GET', KEYS[1], ARGV[4])

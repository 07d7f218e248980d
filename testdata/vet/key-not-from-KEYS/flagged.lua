--[[luagen
doc: Keys that do not come from KEYS, each one a cluster bug.
keys: [user, dest]
args: [id, name]
returns: none
]]
redis.call('GET', 'config:limits')
redis.call('SET', KEYS[1] .. ':seen', 1)
redis.call('INCR', ARGV[1])
local other = redis.call('GET', KEYS[1])
redis.call('DEL', other)
local k = KEYS[1]
k = 'user:' .. ARGV[2]
redis.call('HSET', k, 'name', ARGV[2])
redis.call('MSET', KEYS[1], 'a', 'b:' .. ARGV[1], 'b')
redis.call('DEL', KEYS[1], unpack(ARGV))
redis.call('ZUNIONSTORE', KEYS[2], 2, KEYS[1], 'zset:extra')
redis.call('XREAD', 'COUNT', 10, 'STREAMS', KEYS[1], 'stream:b', '0', '0')
redis.call('GEORADIUS', KEYS[1], 0, 0, 10, 'km', 'STORE', 'geo:out')
redis.call('RENAME', KEYS[1], KEYS[2] or 'fallback')
local function touch(key)
  return redis.call('EXPIRE', key, 60)
end
touch(KEYS[1])
touch(ARGV[1])
redis.pcall('GET', tostring(ARGV[1]))
local doomed = {KEYS[1]}
table.insert(doomed, 'audit:' .. ARGV[1])
redis.call('DEL', unpack(doomed))
local names = {}
names[1] = ARGV[2]
redis.call('EXISTS', names[1])

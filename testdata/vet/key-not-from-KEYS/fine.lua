--[[luagen
doc: Near misses, every key comes from KEYS however it travels.
keys:
  - {name: first}
  - {name: rest, variadic: true}
args: [cmd, channel]
returns: none
]]
local k = KEYS[1]
redis.call('GET', k)
for _, key in ipairs(KEYS) do
  redis.call('EXPIRE', key, 60)
end
for i = 1, #KEYS do
  local key = KEYS[i]
  redis.call('PERSIST', key)
end
local keys = KEYS
redis.call('DEL', unpack(keys))
redis.call('SUNIONSTORE', KEYS[1], unpack(KEYS, 2))
redis.call('MGET', KEYS[1], KEYS[2], KEYS[3])
redis.call('MSET', KEYS[1], ARGV[1], KEYS[2], ARGV[2])
redis.call('ZUNIONSTORE', KEYS[1], 2, KEYS[2], KEYS[3], 'WEIGHTS', 1, 2)
redis.call('ZUNIONSTORE', KEYS[1], #KEYS - 1, unpack(KEYS, 2))
redis.call('XREAD', 'STREAMS', KEYS[2], '0')
redis.call('RENAME', KEYS[1], KEYS[2] or KEYS[3])
local function touch(key, ttl)
  return redis.call('EXPIRE', key, ttl)
end
touch(KEYS[1], 10)
touch(k, ARGV[1])
local a, b = unpack(KEYS)
redis.call('COPY', a, b)
redis.call('TIME')
redis.call('PING')
redis.call('PUBLISH', ARGV[2], 'hello')
redis.call(ARGV[1], 'anything')
redis.call('JSON.SET', 'doc', '$', '{}')
redis.call('OBJECT', 'ENCODING', k)
local existing = {}
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    table.insert(existing, key)
  end
end
redis.call('DEL', unpack(existing))
local pair = {KEYS[1], KEYS[2]}
redis.call('RENAME', pair[1], pair[2])
local list = {}
list[#list + 1] = KEYS[3]
redis.call('UNLINK', unpack(list))

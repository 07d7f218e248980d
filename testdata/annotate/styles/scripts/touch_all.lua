local now = redis.call("TIME")[1]
--- @include "util"
for i, key in ipairs(KEYS) do
  redis.call("HSET", key, "touched", now, "by", ARGV[1])
end
for i = 2, #ARGV do
  redis.call("SADD", KEYS[1], ARGV[i])
end
return count(KEYS)

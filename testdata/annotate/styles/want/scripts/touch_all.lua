--[[luagen
keys:
  - {name: key1}  # KEYS[1]
  - {name: more_keys, variadic: true}  # KEYS[2] and up
args:
  - {name: arg1, type: string}  # ARGV[1]
  - {name: more_args, type: string, variadic: true}  # ARGV[2] and up
returns: raw
]]
local now = redis.call("TIME")[1]
--- @include "util"
for i, key in ipairs(KEYS) do
  redis.call("HSET", key, "touched", now, "by", ARGV[1])
end
for i = 2, #ARGV do
  redis.call("SADD", KEYS[1], ARGV[i])
end
return count(KEYS)

--[[luagen
doc: Prefixes must be plain strings, one value each.
keys:
  - {name: pending}
args:
  - {name: tasks, prefix: true}
  - {name: shard, type: int64, prefix: true}
  - {name: ids, prefix: true, variadic: true}
]]
for i = 3, #ARGV do
  redis.call('LPUSH', KEYS[1], ARGV[i])
end
return ARGV[1] .. ARGV[2]

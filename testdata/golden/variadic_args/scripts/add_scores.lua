--[[luagen
keys: [zset]
args:
  - {name: member, type: string}
  - {name: increments, type: float64, variadic: true}
returns: float64
]]
local s = 0
for i = 2, #ARGV do
  s = redis.call('ZINCRBY', KEYS[1], ARGV[i], ARGV[1])
end
return s

--[[luagen
keys: [board]
args:
  - {name: members, type: int64, variadic: true}
returns: {type: '[]int64', nullable: true}
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local out = {}
for i = 1, #ARGV do
  out[i] = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[i]) or '0')
end
return out

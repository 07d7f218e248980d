--[[luagen
doc: Reads the stock level of each item (0 for unknown items).
readonly: true
keys:
  - {name: items, variadic: true}
returns: "[]int64"
]]
local levels = {}
for i, key in ipairs(KEYS) do
  levels[i] = tonumber(redis.call('GET', key) or '0')
end
return levels

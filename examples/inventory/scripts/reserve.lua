--[[luagen
doc: |
  Reserves quantities[i] units of items[i] for an order, all or nothing:
  when any item is short, nothing is taken and the short items are listed.
keys:
  - name: items
    variadic: true
    doc: stock counters of one warehouse; they must share its hash tag
args:
  - {name: quantities, type: int64, variadic: true, doc: "units wanted of each item, in the order of items"}
returns:
  type: struct
  fields:
    - {name: reserved, type: bool}
    - {name: short, type: "[]string", doc: the items that lacked units}
]]
if #ARGV ~= #KEYS then
  return redis.error_reply('ERR reserve: ' .. #KEYS .. ' items but ' .. #ARGV .. ' quantities')
end
local short = {}
for i, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') < tonumber(ARGV[i]) then
    short[#short + 1] = key
  end
end
if #short > 0 then
  return {false, short}
end
for i, key in ipairs(KEYS) do
  redis.call('DECRBY', key, ARGV[i])
end
return {true, short}

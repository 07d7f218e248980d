--[[luagen
doc: Sizes of the pending, active and retry lists.
keys: [pending, active]
returns: "[]int64"
]]
local out = {}
for i = 1, 3 do
  out[i] = redis.call('LLEN', KEYS[i])
end
return out

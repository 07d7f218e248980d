#!lua flags=no-writes
--[[luagen
doc: Reads a counter as a share of a total.
readonly: true
keys: [counter, total]
returns: {type: float64, nullable: true}
]]
local n, t = redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2])
if not n or not t then return nil end
return tostring(tonumber(n) / tonumber(t))

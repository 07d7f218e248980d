--[[luagen
doc: Names Redis's Lua does not have.
keys: [k]
returns: none
]]
local n = tonumer(redis.call('GET', KEYS[1]))
redis.cal('SET', KEYS[1], n)
local t = os.clock()
print(n, t)
local s = string.fmt('%d', n)

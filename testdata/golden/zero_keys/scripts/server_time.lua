--[[luagen
doc: Returns the server's clock.
returns: time.Time
]]
local t = redis.call('TIME')
return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

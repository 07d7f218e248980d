--[[luagen
returns: time.Time
]]
return 1700000000000

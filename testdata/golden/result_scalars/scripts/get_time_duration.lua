--[[luagen
returns: time.Duration
]]
return 1500

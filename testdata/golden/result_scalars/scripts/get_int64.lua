--[[luagen
returns: int64
]]
return 1

--[[luagen
returns: int
]]
return 2

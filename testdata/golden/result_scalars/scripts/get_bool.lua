--[[luagen
returns: bool
]]
return 1

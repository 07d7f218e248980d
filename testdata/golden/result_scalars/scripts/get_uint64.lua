--[[luagen
returns: uint64
]]
return 3

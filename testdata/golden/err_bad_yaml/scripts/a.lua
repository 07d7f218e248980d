--[[luagen
]]
return 1

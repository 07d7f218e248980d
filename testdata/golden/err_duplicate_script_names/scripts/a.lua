--[[luagen
name: same
]]
return 1

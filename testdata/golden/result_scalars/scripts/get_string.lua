--[[luagen
returns: string
]]
return 'x'

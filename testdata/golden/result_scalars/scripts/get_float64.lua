--[[luagen
returns: float64
]]
return '1.5'

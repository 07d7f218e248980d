--[[luagen
returns: '[]byte'
]]
return 'bytes'

--[[luagen
keys: [type]
args: [func]
]]
return KEYS[1] .. ARGV[1]

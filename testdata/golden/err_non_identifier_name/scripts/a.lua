--[[luagen
name: take-tokens!
args: ["my arg"]
]]
return ARGV[1]

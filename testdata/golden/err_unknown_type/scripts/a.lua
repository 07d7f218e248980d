--[[luagen
args:
  - {name: n, type: int32}
returns: floaat64
]]
return ARGV[1]

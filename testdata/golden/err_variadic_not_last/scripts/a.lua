--[[luagen
keys:
  - {name: many, variadic: true}
  - last
args:
  - {name: vals, variadic: true}
  - tail
]]
return #KEYS + #ARGV

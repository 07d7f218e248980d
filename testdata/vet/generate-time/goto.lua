--[[luagen
doc: Redis's Lua 5.1 has no goto.
keys: [k]
returns: none
]]
for i = 1, 3 do
  if i == 2 then goto continue end
  redis.call('INCR', KEYS[1])
  ::continue::
end

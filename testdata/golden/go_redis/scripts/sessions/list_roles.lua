#!lua flags=no-writes
--[[luagen
doc: Lists the roles of every session given.
readonly: true
keys:
  - {name: sessions, variadic: true}
returns: '[]string'
]]
local roles = {}
for i = 1, #KEYS do
  -- luagen:ignore key-not-from-KEYS the roles set shares its session's {hash tag}
  for _, r in ipairs(redis.call('SMEMBERS', KEYS[i] .. ':roles')) do
    roles[#roles + 1] = r
  end
end
return roles

--[[luagen
doc: Adds every tag to every set.
keys:
  - {name: sets, variadic: true}
args:
  - {name: tags, variadic: true}
returns: none
]]
for _, k in ipairs(KEYS) do
  redis.call('SADD', k, unpack(ARGV))
end

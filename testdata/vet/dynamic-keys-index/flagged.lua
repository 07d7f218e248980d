--[[luagen
doc: A computed index into fixed keys hides which key is read.
keys: [src, dst]
args:
  - {name: which, type: int64}
returns: none
]]
local i = tonumber(ARGV[1])
redis.call('GET', KEYS[i])
for j = 1, #KEYS do
  redis.call('PERSIST', KEYS[j])
end
local keys = KEYS
redis.call('DEL', keys[i + 1])

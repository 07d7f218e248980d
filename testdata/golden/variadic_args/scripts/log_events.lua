--[[luagen
keys: [stream]
args:
  - {name: events, type: json, variadic: true}
returns: none
]]
for i = 1, #ARGV do
  redis.call('XADD', KEYS[1], '*', 'e', ARGV[i])
end

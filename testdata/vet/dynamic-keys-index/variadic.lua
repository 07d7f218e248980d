--[[luagen
doc: Variadic keys are read by a computed index.
keys:
  - {name: dst}
  - {name: srcs, variadic: true}
returns: none
]]
for i = 2, #KEYS do
  redis.call('SMOVE', KEYS[i], KEYS[1], 'x')
end

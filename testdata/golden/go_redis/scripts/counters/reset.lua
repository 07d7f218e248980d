--[[luagen
doc: Deletes counters.
keys:
  - {name: counters, variadic: true}
]]
redis.call('DEL', unpack(KEYS))

--[[luagen
doc: Deletes every key given and returns how many existed.
keys:
  - {name: keys, variadic: true}
returns: int64
]]
return redis.call('DEL', unpack(KEYS))

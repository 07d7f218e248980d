--[[luagen
keys: [list]
args:
  - {name: values, type: string, variadic: true}
returns: int64
]]
return redis.call('RPUSH', KEYS[1], unpack(ARGV))

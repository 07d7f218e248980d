--[[luagen
keys: [counter]
args:
  - {name: by, type: int64}
returns: int64
]]
return redis.call('INCRBY', KEYS[1], ARGV[1])

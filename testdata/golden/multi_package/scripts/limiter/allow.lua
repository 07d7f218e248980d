--[[luagen
keys: [counter]
args:
  - {name: limit, type: int64}
returns: bool
]]
return redis.call('INCR', KEYS[1]) <= tonumber(ARGV[1]) and 1 or 0

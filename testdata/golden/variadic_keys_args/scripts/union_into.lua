--[[luagen
doc: Stores the union of the sources in dest with a TTL.
keys:
  - dest
  - {name: sources, variadic: true}
args:
  - {name: ttl, type: time.Duration}
returns: int64
]]
local n = redis.call('SUNIONSTORE', KEYS[1], unpack(KEYS, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return n

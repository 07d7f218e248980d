--[[luagen
doc: Reports how many requests a bucket refused.
readonly: true
keys:
  - {name: log}
returns: int64
]]
return tonumber(redis.call('GET', KEYS[1]) or '0')

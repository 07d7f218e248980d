--[[luagen
doc: Publishes an event to a channel and keeps it in a capped list.
keys: [history]
args:
  - {name: channel}
  - {name: event, type: json}
  - {name: max_len, type: int}
returns: int64
]]
redis.call('LPUSH', KEYS[1], ARGV[2])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[3]) - 1)
return redis.call('PUBLISH', ARGV[1], ARGV[2])

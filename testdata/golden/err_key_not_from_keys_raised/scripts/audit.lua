--[[luagen
doc: Counts a hit and logs it; the log key is built from an id that is not a declared prefix.
keys: [hits]
args:
  - {name: tenant, doc: "like {t42}:"}
returns: int64
]]
redis.call('LPUSH', ARGV[1] .. 'audit', 'hit')
redis.call('LPUSH', 'audit:all', ARGV[1])
return redis.call('INCR', KEYS[1])

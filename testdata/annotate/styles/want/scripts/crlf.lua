--[[luagen
keys:
  - {name: counter_hash}  # KEYS[1]
args:
  - {name: field, type: string}  # ARGV[1]
returns: raw
]]
-- KEYS[1] - counter hash
-- ARGV[1] - field
return redis.call("HINCRBY", KEYS[1], ARGV[1], 1)

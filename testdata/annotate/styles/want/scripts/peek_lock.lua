#!lua flags=no-writes
--[[luagen
doc: "Says who holds a lock and for how long."
readonly: true
keys:
  - {name: lock, doc: "the lock key"}  # KEYS[1]
args:
  - {name: token_expected_hold, type: string, doc: "token expected to hold it"}  # ARGV[1]
returns: raw
]]
-- Says who holds a lock and for how long.
-- KEYS[1]: the lock key
-- ARGV[1] = token expected to hold it
local holder = redis.call("GET", KEYS[1])
if holder ~= ARGV[1] then
  return {holder, -2}
end
return {holder, redis.call("PTTL", KEYS[1])}

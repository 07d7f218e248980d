--[[luagen
doc: Tells who holds the lock and for how long; nil when it is free.
readonly: true
keys:
  - {name: lock}
returns:
  type: struct
  nullable: true
  fields:
    - {name: owner, type: string}
    - {name: ttl, type: time.Duration}
]]
local owner = redis.call('GET', KEYS[1])
if not owner then
  return nil
end
return {owner, redis.call('PTTL', KEYS[1])}

--[[luagen
keys: [k]
returns:
  type: struct
  nullable: true
  fields:
    - {name: value, type: string}
    - {name: expires_at, type: time.Time, nullable: true}
]]
local v = redis.call('GET', KEYS[1])
if not v then return nil end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return {v} end
return {v, ttl}

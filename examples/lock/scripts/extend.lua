--[[luagen
doc: Extends the lock to ttl from now if owner still holds it; returns the new time to live, or nil when owner lost the lock.
keys:
  - {name: lock}
args:
  - {name: owner, type: string}
  - {name: ttl, type: time.Duration}
returns: {type: time.Duration, nullable: true}
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return nil
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('PTTL', KEYS[1])

--[[luagen
doc: Extends a session and records the client's last request under the user's prefix.
keys:
  - {name: session}
  - {name: user, prefix: true, doc: "key prefix of the user's keys, like app:{user:42}:"}
args:
  - {name: ttl, type: time.Duration}
  - {name: now, type: time.Time}
  - {name: request, type: json}
  - {name: strict, type: bool}
returns: {type: int64, nullable: true, doc: the new TTL in milliseconds}
]]
--- @include "includes/guard"
if not guard(KEYS[1], ARGV[4]) then
  return nil
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2] .. 'last', ARGV[3])
redis.call('SET', KEYS[2] .. 'seen', ARGV[2])
return redis.call('PTTL', KEYS[1])

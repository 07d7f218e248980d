#!lua flags=no-writes
--[[luagen
doc: Reads a session; nil when it does not exist.
readonly: true
keys:
  - {name: session, doc: the session's hash}
returns:
  type: struct
  nullable: true
  doc: A session as stored.
  fields:
    - {name: user_id, type: int64}
    - {name: created_at, type: time.Time}
    - {name: ttl, type: time.Duration}
    - {name: roles, type: '[]string'}
    - {name: attrs, type: 'map[string]string'}
    - {name: score, type: float64}
    - {name: extra, type: raw}
    - {name: note, type: '[]string', nullable: true}
    - {name: last_seen, type: int64, nullable: true}
]]
local h = KEYS[1]
if redis.call('EXISTS', h) == 0 then
  return nil
end
return {
  tonumber(redis.call('HGET', h, 'user')),
  tonumber(redis.call('HGET', h, 'created')),
  redis.call('PTTL', h),
  {'reader'},
  redis.call('HGETALL', h),
  '0.5',
  redis.call('HGET', h, 'extra'),
}

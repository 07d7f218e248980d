--[[luagen
doc: Reads a user's profile.
keys:
  - name: user
    doc: the user's hash
returns:
  type: struct
  doc: A user's profile as stored.
  fields:
    - {name: user_id, type: int64, doc: the numeric id}
    - {name: http_url, type: string}
    - {name: tags, type: '[]string'}
    - {name: scores, type: '[]int64'}
    - {name: attrs, type: 'map[string]string'}
    - {name: payload, type: '[]byte'}
    - {name: ratio, type: float64}
    - {name: active, type: bool}
    - {name: uid64, type: uint64}
    - {name: count, type: int}
    - {name: ttl, type: time.Duration}
    - {name: seen_at, type: time.Time}
    - {name: extra, type: raw}
    - {name: nickname, type: string, nullable: true}
    - {name: aliases, type: '[]string', nullable: true}
]]
local h = KEYS[1]
return {
  tonumber(redis.call('HGET', h, 'id')),
  redis.call('HGET', h, 'url'),
  -- luagen:ignore key-not-from-KEYS the tags set shares the user's {hash tag}; a real script would declare it under keys:
  redis.call('SMEMBERS', h .. ':tags'),
  {1, 2},
  redis.call('HGETALL', h),
  'p',
  '0.5',
  1,
  7,
  8,
  1000,
  1700000000000,
  'x',
  redis.call('HGET', h, 'nick'),
}

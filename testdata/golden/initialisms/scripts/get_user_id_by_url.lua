--[[luagen
keys:
  - {name: url_index}
args:
  - {name: http_url}
  - {name: api_id, type: int64}
returns:
  type: struct
  fields:
    - {name: user_id, type: int64}
    - {name: json_blob, type: string}
    - {name: sha1, type: string}
]]
return {tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or ARGV[2]), '{}', 'abc'}

--[[luagen
keys: [k]
returns: {type: int64, nullable: true}
]]
return redis.call('GET', KEYS[1])

--[[luagen
keys: [k]
returns: {type: '[]string', nullable: true}
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
return redis.call('SMEMBERS', KEYS[1])

--[[luagen
keys: [session]
returns: {type: '[]byte', nullable: true}
]]
return redis.call('HGET', KEYS[1], 'token')

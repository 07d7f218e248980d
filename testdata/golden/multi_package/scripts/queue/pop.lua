--[[luagen
keys: [queue]
returns: {type: string, nullable: true}
]]
return redis.call('RPOP', KEYS[1])

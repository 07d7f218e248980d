--[[luagen
doc: Returns the cached value, or nil when absent.
keys: [k]
returns: {type: string, nullable: true, doc: the cached value}
]]
return redis.call('GET', KEYS[1])

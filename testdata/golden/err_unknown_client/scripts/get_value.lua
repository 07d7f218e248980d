--[[luagen
doc: Reads a value.
readonly: true
keys: [key]
returns: {type: string, nullable: true}
]]
return redis.call('GET', KEYS[1])
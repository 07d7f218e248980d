--[[luagen
doc: Redis's libraries, and feature checks that read a field without calling it.
keys: [k]
returns: string
]]
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
local s = string.format('%d', math.floor(n))
local j = cjson.encode({n = n, packed = cmsgpack.pack(n), b = bit.band(n, 1), st = struct.pack('>I', n)})
if redis.setresp then redis.setresp(3) end
redis.log(redis.LOG_NOTICE, s)
return redis.sha1hex(j) .. tostring(type(unpack)) .. table.concat({s}, ',')

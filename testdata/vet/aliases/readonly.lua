--[[luagen
doc: A read-only script writes only through an alias.
keys: [counter]
returns: int64
readonly: true
]]
local rcall = redis.call
local function incr(key)
  return rcall('INCR', key)
end
local n = rcall('GET', KEYS[1])
incr(KEYS[1])
return tonumber(n) or 0

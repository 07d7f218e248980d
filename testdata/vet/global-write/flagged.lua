--[[luagen
doc: Assignments Redis refuses, since its globals are read-only.
keys: [k]
returns: int64
]]
count = 0
function bump(n)
  count = count + n
end
redis.helper = function() end
string.trim = function(s) return s end
function redis.log2() end
bump(redis.call("STRLEN", KEYS[1]))
return count

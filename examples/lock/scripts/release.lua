--[[luagen
doc: Releases the lock if owner holds it; reports whether it did.
keys:
  - {name: lock}
args:
  - {name: owner, type: string}
returns: bool
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return true
end
return false

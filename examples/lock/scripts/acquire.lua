--[[luagen
doc: |
  Acquires the lock for owner for ttl. It returns a fencing token, a number
  that grows with every acquisition: storage that sees a write carrying an
  older token than one it already saw knows the writer lost the lock.
  It returns nil when someone else holds the lock.
keys:
  - {name: lock, doc: the lock's key; holds the owner}
  - {name: fence, doc: the counter behind the fencing tokens}
args:
  - {name: owner, type: string, doc: a unique id of the caller}
  - {name: ttl, type: time.Duration, doc: how long the lock lasts unless extended}
returns: {type: int64, nullable: true}
]]
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return nil

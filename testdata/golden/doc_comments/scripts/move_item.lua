--[[luagen
doc: |
  Moves an item from one list to another, atomically.

  It returns the new length of the destination list. The item is matched
  by value; only its first occurrence moves.
keys:
  - {name: from, doc: the source list}
  - {name: to, doc: the destination list}
args:
  - {name: item, doc: the value to move}
  - {name: timeout, type: time.Duration}
returns:
  type: int64
  doc: the destination's new length, or 0 when the item was not found
]]
local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
if removed == 0 then return 0 end
local n = redis.call('LPUSH', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return n

--[[luagen
doc: Moves the oldest task id of a queue to active and returns the task's hash.
keys:
  - {name: pending, doc: list of task ids}
  - {name: active, doc: list of task ids being worked on}
args:
  - {name: tasks, prefix: true, doc: "key prefix of task hashes, like app:{default}:t:"}
returns: {type: "map[string]string", nullable: true}
]]
local id = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])
if not id then
  return nil
end
return redis.call('HGETALL', ARGV[1] .. id)

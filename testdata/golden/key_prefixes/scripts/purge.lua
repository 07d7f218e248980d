--[[luagen
doc: Deletes a group's tasks; the call has no keys and goes to the node of the prefix's slot.
args:
  - {name: groups, prefix: true, doc: "key prefix of groups, like app:{default}:g:"}
  - {name: group}
returns: int64
]]
return redis.call('DEL', ARGV[1] .. ARGV[2])

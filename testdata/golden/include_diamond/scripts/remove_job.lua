--[[luagen
doc: Removes a job.
keys: [job]
returns: int64
]]
--- @include "includes/stamp"
return redis.call("DEL", KEYS[1])

--[[luagen
doc: Stores a job and tells its listeners.
keys: [job, events]
args: [id, data]
returns: string
]]
local rcall = redis.call

--- @include "includes/store_job"
-- @include "includes/notify.lua"

storeJob(KEYS[1], ARGV[1], ARGV[2])
notify(KEYS[2], ARGV[1])
return ARGV[1]

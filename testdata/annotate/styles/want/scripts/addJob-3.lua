--[[luagen
name: addJob
doc: "Adds a job to the wait list, BullMQ style."
keys:
  - {name: wait}  # KEYS[1]
  - {name: paused}  # KEYS[2]
  - {name: events_stream, doc: "events stream key"}  # KEYS[3]
args:
  - {name: key_prefix, type: string, prefix: true}  # ARGV[1]
  - {name: job_id, type: string}  # ARGV[2]
  - {name: json_job_data, type: string}  # ARGV[3]
returns: raw
]]
--[[
  Adds a job to the wait list, BullMQ style.

    Input:
      KEYS[1] 'wait',
      KEYS[2] 'paused'
      KEYS[3] events stream key

      ARGV[1] key prefix
      ARGV[2] job id
      ARGV[3] json job data

    Output:
      the job id
]]
local rcall = redis.call

-- Includes
--- @include "includes/storeJob"

storeJob(ARGV[1], ARGV[2], ARGV[3])
rcall("LPUSH", KEYS[1], ARGV[2])
rcall("XADD", KEYS[3], "*", "event", "added", "jobId", ARGV[2])
return ARGV[2]

--[[luagen
doc: Moves the next waiting job to active, locks it for the worker and returns its hash.
keys:
  - {name: wait, doc: "list of waiting job ids"}
  - {name: active, doc: "list of active job ids"}
  - {name: stalled, doc: "set of job ids to check for stalls"}
  - {name: meta, doc: "the queue's meta hash, which routes the call"}
args:
  - {name: job_prefix, prefix: true, doc: "key prefix of job hashes, like jq:{emails}:"}
  - {name: token, doc: "the worker's lock token"}
  - {name: lock_ms, type: int64}
returns: raw
]]
local rcall = redis.call

-- Small helpers in the style of large queue libraries: keys travel as
-- parameters, and the lock key is built from the job's key.
local function lockJob(jobKey, token, ms)
  rcall('SET', jobKey .. ':lock', token, 'PX', ms)
end

local function hget(key, field)
  return rcall('HGET', key, field)
end

local jobId = rcall('RPOPLPUSH', KEYS[1], KEYS[2])
if not jobId then
  return nil
end
local jobKey = ARGV[1] .. jobId
lockJob(jobKey, ARGV[2], ARGV[3])
rcall('SREM', KEYS[3], jobId)
rcall('HINCRBY', jobKey, 'attemptsStarted', 1)
if hget(jobKey, 'delay') then
  rcall('HDEL', jobKey, 'delay')
end
return rcall('HGETALL', jobKey)

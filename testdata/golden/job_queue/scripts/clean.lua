--[[luagen
doc: Removes finished jobs older than a cutoff from one state set, with their logs and locks.
keys:
  - {name: state, doc: "sorted set of job ids by finish time"}
args:
  - {name: job_prefix, prefix: true}
  - {name: cutoff, type: int64}
  - {name: limit, type: int64}
returns: int64
]]
local r = {call = redis.call}
local prefix = ARGV[1]

local ids = r.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, ARGV[3])
for _, id in ipairs(ids) do
  local base = string.format('%s%s', prefix, id)
  local k = {job = base, logs = base .. ':logs', lock = base .. ':lock'}
  r.call('DEL', k.job, k.logs, k.lock)
end
if #ids > 0 then
  r.call('ZREM', KEYS[1], unpack(ids))
end
return #ids

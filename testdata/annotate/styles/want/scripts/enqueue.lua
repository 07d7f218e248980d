--[[luagen
doc: "Enqueues a task, asynq style."
keys:
  - {name: t_task_id, doc: "asynq:{<qname>}:t:<task_id>"}  # KEYS[1]
  - {name: pending, doc: "asynq:{<qname>}:pending"}  # KEYS[2]
args:
  - {name: task_message_data, type: string}  # ARGV[1]
  - {name: task_id, type: string}  # ARGV[2]
  - {name: current_unix_time, type: string, doc: "current unix time in nsec"}  # ARGV[3]
returns: raw
]]
-- Enqueues a task, asynq style.
--
-- Input:
-- KEYS[1] -> asynq:{<qname>}:t:<task_id>
-- KEYS[2] -> asynq:{<qname>}:pending
-- --
-- ARGV[1] -> task message data
-- ARGV[2] -> task ID
-- ARGV[3] -> current unix time in nsec
--
-- Output:
-- Returns 1 if successfully enqueued
-- Returns 0 if task ID already exists
if redis.call("EXISTS", KEYS[1]) == 1 then
  return 0
end
redis.call("HSET", KEYS[1], "msg", ARGV[1], "state", "pending", "pending_since", ARGV[3])
redis.call("LPUSH", KEYS[2], ARGV[2])
return 1

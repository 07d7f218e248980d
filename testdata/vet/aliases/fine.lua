--[[luagen
doc: A job queue in the style of large script libraries, every call through an alias or a helper.
keys:
  - {name: wait}
  - {name: active}
  - {name: meta}
  - {name: job_prefix, prefix: true, doc: "like app:{q}:job:"}
args:
  - {name: id}
  - {name: push_cmd, doc: "LPUSH or RPUSH"}
  - {name: ttl, type: int64}
returns: raw
]]
local rcall = redis.call
local pcall_redis = redis.pcall
local r = {call = redis.call}
local red = redis

local function jobKey(prefix, id)
  return prefix .. id
end

-- A wrapper: its arguments go straight to redis.call.
local function get(key)
  return rcall('GET', key)
end

-- A wrapper with varargs, and one whose command is a parameter.
local function call(...)
  return rcall(...)
end
local function push(cmd, list, value)
  return rcall(cmd, list, value)
end

-- An upvalue alias used inside a function that takes keys.
local function moveToActive(waitKey, activeKey, prefix, id)
  rcall('LREM', waitKey, 0, id)
  rcall('LPUSH', activeKey, id)
  rcall('HSET', prefix .. id, 'state', 'active')
  return r.call('HGETALL', prefix .. id)
end

-- An optional key parameter, checked before use, and left out by a call.
local function mark(key, markerKey)
  rcall('HSET', key, 'marked', 1)
  if markerKey then
    rcall('ZADD', markerKey, 0, 'x')
  end
end
-- A function nothing calls: its parameters hold nothing to judge.
local function unused(key)
  return rcall('GET', key)
end

local id = ARGV[1]
mark(KEYS[3])
mark(KEYS[3], KEYS[2])
get(KEYS[3])
call('HSET', KEYS[3], 'last', id)
call('EXPIRE', KEYS[4] .. id, ARGV[3])
push('LPUSH', KEYS[1], id)
push('RPUSH', KEYS[1], id)
push(ARGV[2], KEYS[1], id) -- the command is chosen at run time
pcall_redis('PERSIST', KEYS[1])
red.call('HINCRBY', KEYS[3], 'moved', 1)
local nested = {redis = {call = rcall}}
nested.redis.call('LLEN', KEYS[2])
return moveToActive(KEYS[1], KEYS[2], KEYS[4], id)

--[[luagen
doc: Every call check fires the same through aliases and helpers as on redis.call.
keys:
  - {name: wait}
  - {name: meta}
args:
  - {name: id}
  - {name: cmd}
returns: none
]]
local rcall = redis.call
local r = {call = redis.call, pcall = redis.pcall}
local red = redis
local deep = {redis = {call = rcall}}

local function get(key)
  return rcall('GET', key)
end
local function call(...)
  return rcall(...)
end
local function push(cmd, list, value)
  return rcall(cmd, list, value)
end
local function hset(key, ...)
  return rcall('HSET', key, ...)
end
local function touchAll(prefix, id)
  rcall('TOUCH', prefix .. id)
  rcall('TOCH', KEYS[1])
end

-- Never called, but Redis would refuse the command all the same.
local function unused(key)
  return rcall('GETT', key)
end

-- key-not-from-KEYS, at the call that passes the key.
get('config:limits')
get(ARGV[1])
call('INCR', ARGV[1])
r.call('DEL', 'stats:' .. ARGV[1])
touchAll(ARGV[1], ARGV[2])
-- unknown-command, command-arity, noscript-command.
rcall('HSETT', KEYS[2], 'f', 'v')
call('GETT', KEYS[1])
push('LPUSHH', KEYS[1], ARGV[1])
rcall('GET', KEYS[1], 'extra')
call('GET', KEYS[1], 'extra')
hset(KEYS[2], 'field')
r.pcall('BLPOP', KEYS[1], 0)
call('EVAL', 'return 1', 0)
red.pcall('SETT', KEYS[1], 1)
deep.redis.call('EXPIRE', KEYS[1])
-- A call whose command is chosen at run time is not checked.
call(ARGV[2], KEYS[1])

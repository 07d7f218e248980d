--[[luagen
doc: Keys built from declared key prefixes, however they travel.
keys:
  - {name: queue, doc: "hash of the queue, like app:{q1}"}
  - {name: jobs, prefix: true, doc: "prefix of job hashes, like app:{q1}:job:"}
args:
  - {name: events, prefix: true, doc: "prefix of event streams, like app:{q1}:ev:"}
  - {name: id}
  - {name: kind}
returns: none
]]
local jobs = KEYS[2]
local id = ARGV[2]
-- A prefix key is a key itself too.
redis.call('HSET', KEYS[2], 'seen', id)
redis.call('HSET', KEYS[1], 'last', id)
-- Built with .., the prefix leftmost.
redis.call('HINCRBY', jobs .. id, 'tries', 1)
redis.call('DEL', jobs .. id .. ':lock', KEYS[2] .. id .. ':logs')
-- A built key is a prefix for more.
local jobKey = jobs .. id
redis.call('EXPIRE', jobKey .. ':lock', 30)
-- Through string.format, the prefix the first %s.
redis.call('XADD', string.format('%s%s', ARGV[1], ARGV[3]), '*', 'id', id)
redis.call('XLEN', ('%s:%s'):format(ARGV[1], 'all'))
-- Upvalues and function parameters.
local function touch(base, suffix)
  redis.call('PEXPIRE', base .. suffix, 1000)
end
touch(jobs, id)
touch(ARGV[1], 'x')
local function lockOf(jobId)
  return redis.call('GET', jobs .. jobId .. ':lock')
end
lockOf(id)
-- Table fields that hold built keys.
local k = {job = jobs .. id, stream = ARGV[1] .. ARGV[3], queue = KEYS[1]}
redis.call('HGETALL', k.job)
redis.call('XTRIM', k['stream'], 'MAXLEN', 100)
redis.call('HLEN', k.queue)
local nested = {keys = {lock = k.job .. ':lock'}}
redis.call('GET', nested.keys.lock)
local list = {jobs .. 'a'}
list[#list + 1] = jobs .. 'b'
table.insert(list, KEYS[1])
redis.call('DEL', unpack(list))
for _, key in ipairs(list) do
  redis.call('TOUCH', key)
end
-- An alias of ARGV.
local argv = ARGV
redis.call('XLEN', argv[1] .. 'all')
-- tostring and "or" of two keys.
redis.call('GET', tostring(jobs .. id))
redis.call('GET', (ARGV[3] ~= '' and jobs .. ARGV[3]) or KEYS[1])

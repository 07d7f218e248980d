--[[luagen
doc: Keys that no declared prefix or KEYS vouches for.
keys:
  - {name: queue}
  - {name: jobs, prefix: true}
args:
  - {name: base, doc: "a prefix, but not declared one"}
  - {name: id}
  - {name: events, prefix: true}
returns: none
]]
local id = ARGV[2]
-- The prefix is not leftmost.
redis.call('GET', 'x:' .. KEYS[2] .. id)
redis.call('GET', id .. ARGV[3])
-- KEYS[1] and ARGV[1] are not declared prefix: true.
redis.call('GET', KEYS[1] .. ':meta')
local lock = ARGV[1] .. id .. ':lock'
redis.call('SET', lock, 1)
-- string.format with something before the first %s.
redis.call('GET', string.format('x:%s', ARGV[3]))
redis.call('GET', string.format('%s:%s', id, ARGV[3]))
-- A key name read from Redis.
local owner = redis.call('HGET', KEYS[1], 'owner')
redis.call('DEL', owner)
redis.call('DEL', KEYS[2] .. id, owner .. ':x')
-- A table mixing prefixed keys and other values.
local t = {job = KEYS[2] .. id, name = id}
redis.call('GET', t.name)
local u = {KEYS[2] .. id}
u[2] = ARGV[1] .. 'x'
redis.call('DEL', unpack(u))
-- A prefix changed by a function other than tostring.
redis.call('GET', string.upper(KEYS[2]) .. id)
-- Key names read from a set.
local members = redis.call('SMEMBERS', KEYS[1])
for _, m in ipairs(members) do
  redis.call('DEL', m)
  redis.call('DEL', KEYS[2] .. m)
end
-- A key name inside a msgpack-encoded arg.
local opts = cmsgpack.unpack(ARGV[1])
redis.call('SADD', opts.parentKey, id)

--[[luagen
doc: Adds a job whose options name a parent job; the parent learns of its new dependency.
keys:
  - {name: wait}
  - {name: id_counter}
args:
  - {name: job_prefix, prefix: true}
  - {name: packed_opts, type: "[]byte", doc: "msgpack of {name, data, parentKey}"}
returns: string
]]
local rcall = redis.call
local opts = cmsgpack.unpack(ARGV[2])
local jobId = tostring(rcall('INCR', KEYS[2]))
local jobKey = ARGV[1] .. jobId
rcall('HSET', jobKey, 'name', opts.name, 'data', opts.data)
rcall('LPUSH', KEYS[1], jobId)
-- The parent may belong to another queue, so to another slot: vet warns,
-- and the warning does not stop generation.
if opts.parentKey then
  rcall('SADD', opts.parentKey .. ':dependencies', jobKey)
end
return jobId

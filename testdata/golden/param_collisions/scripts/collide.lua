--[[luagen
doc: Sets keys whose parameter names collide with what generated code uses.
keys: [ctx, s, p, keys]
args:
  - {name: args}
  - {name: err}
  - {name: runtime, type: int64}
  - {name: context, type: json}
  - {name: time, type: time.Time}
  - {name: string}
returns: none
]]
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[3])
redis.call('SET', KEYS[4], ARGV[4] .. ARGV[5] .. ARGV[6])

--[[luagen
doc: Counts that may be right pass; a multi-valued last argument may stand for any number.
keys: [k]
args:
  - {name: values, variadic: true}
returns: none
]]
redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], 'v', 'EX', 10)
redis.call('RPUSH', KEYS[1], unpack(ARGV))
redis.call('SET', KEYS[1], unpack(ARGV))
redis.call('TIME')

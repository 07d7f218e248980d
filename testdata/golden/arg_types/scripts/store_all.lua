--[[luagen
doc: Stores one value of every arg type in a hash.
keys:
  - h
args:
  - {name: s, type: string}
  - {name: b, type: '[]byte'}
  - {name: i64, type: int64}
  - {name: i, type: int}
  - {name: u64, type: uint64}
  - {name: f64, type: float64}
  - {name: flag, type: bool}
  - {name: ttl, type: time.Duration}
  - {name: at, type: time.Time}
  - {name: payload, type: json}
]]
redis.call('HSET', KEYS[1], 's', ARGV[1])
redis.call('HSET', KEYS[1], 'b', ARGV[2])
redis.call('HSET', KEYS[1], 'i64', ARGV[3])
redis.call('HSET', KEYS[1], 'i', ARGV[4])
redis.call('HSET', KEYS[1], 'u64', ARGV[5])
redis.call('HSET', KEYS[1], 'f64', ARGV[6])
redis.call('HSET', KEYS[1], 'flag', ARGV[7])
redis.call('HSET', KEYS[1], 'ttl', ARGV[8])
redis.call('HSET', KEYS[1], 'at', ARGV[9])
redis.call('HSET', KEYS[1], 'payload', ARGV[10])

--[[luagen
doc: Runs a command on a session key and returns its reply as the client gives it.
keys: [key]
args:
  - {name: command}
  - {name: rest, variadic: true}
returns: raw
]]
return redis.call(ARGV[1], KEYS[1], unpack(ARGV, 2))

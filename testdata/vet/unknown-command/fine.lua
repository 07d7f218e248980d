--[[luagen
doc: Names in any case, subcommands, module commands and computed names pass.
keys: [h]
args: [cmd]
returns: none
]]
redis.call('hset', KEYS[1], 'f', 'v')
redis.call('HSet', KEYS[1], 'f', 'v')
redis.call('OBJECT', 'encoding', KEYS[1])
redis.call('MEMORY', 'USAGE', KEYS[1])
redis.call('JSON.GET', KEYS[1])
redis.call(ARGV[1], KEYS[1])

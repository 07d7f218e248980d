--[[luagen
doc: The non-blocking forms are allowed.
keys: [list]
returns: none
]]
redis.call('LPOP', KEYS[1])
redis.call('SCRIPT', 'HELP')

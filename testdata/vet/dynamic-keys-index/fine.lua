--[[luagen
doc: Fixed keys read by literal index.
keys: [src, dst]
returns: none
]]
redis.call('RENAME', KEYS[1], KEYS[2])

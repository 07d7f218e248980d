#!lua flags=allow-stale
--[[luagen
doc: Shebang errors stay; Redis would refuse the read-only calls.
readonly: true  # luagen:ignore shebang trying anyway
keys: [k]
returns: none
]]
redis.call('GET', KEYS[1])

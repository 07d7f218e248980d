--[[luagen
doc: Directives that are malformed, unknown, or silence nothing.
keys: [k]
returns: none
]]
redis.call('GET', 'a') -- luagen:ignore key-not-from-KEYS
redis.call('GET', 'b') -- luagen:ignore key-not-from-keys typo in the name
redis.call('GET', KEYS[1]) -- luagen:ignore key-not-from-KEYS nothing to silence
-- luagen:ignore
redis.call('GET', KEYS[1]) -- luagen:ignore lua-syntax not allowed
-- a comment about luagen:ignored things is not a directive

--[[luagen
doc: Findings silenced with a reason, on the line or the line above.
keys:
  - {name: user}
  - {name: route}  # luagen:ignore unused-key routes the call to the user's slot
args: [id]
returns: none
]]
-- luagen:ignore key-not-from-KEYS standalone only: the config key lives on every node
local cfg = redis.call('GET', 'config:limits')
redis.call('SET', KEYS[1], cfg)
redis.call('GET', 'tmp:' .. ARGV[1], 'x') -- luagen:ignore key-not-from-KEYS,command-arity a list of checks

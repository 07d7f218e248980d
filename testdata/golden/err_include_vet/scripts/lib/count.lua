-- Counts calls of key k, and in total.
local function count(k)
  redis.call("INCR", "calls:total") -- luagen:ignore key-not-from-KEYS a global counter, standalone only
  redis.call("INCR", "calls:" .. k)
  return rcall("INCRBY", k, incrment)
end

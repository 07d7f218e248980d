-- KEYS[1] - counter hash
-- ARGV[1] - field
return redis.call("HINCRBY", KEYS[1], ARGV[1], 1)

--[[luagen
doc: Loops with literal bounds read known keys.
keys: [pending, active, done, failed, today]
returns: none
]]
for i = 1, 4 do
  redis.call('DEL', KEYS[i])
end
for i = 4, 1, -1 do
  redis.call('PERSIST', KEYS[i + 1])
end
for i = 3, 6 do
  redis.call('EXISTS', KEYS[i])
end
for i = 2, 1 do
  redis.call('GET', KEYS[i + 10])
end
for i = 1, 2 do
  i = i + 1
  redis.call('GET', KEYS[i])
end

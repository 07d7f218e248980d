--[[luagen
doc: A syntax error stops the other body checks.
keys: [k]
returns: none
]]
redis.call('GET', 'literal')
if then

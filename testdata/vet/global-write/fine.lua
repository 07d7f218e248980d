--[[luagen
doc: Locals, fields of local tables, and KEYS and ARGV, which are writable.
keys: [k]
args: [a]
returns: int64
]]
local count
count = 0
local function bump(n)
  count = count + n
end
local t = {}
t.x = 1
function t.get() return t.x end
function t:set(v) self.x = v end
local f
function f() return 1 end
KEYS[1] = KEYS[1]
ARGV[1] = 'x'
bump(t.get())
local count2 = count
return count2

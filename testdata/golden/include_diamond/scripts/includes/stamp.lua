-- Server time in milliseconds.
local function stamp()
  local t = redis.call("TIME")
  return t[1] * 1000 + math.floor(t[2] / 1000)
end

--[[
  Stores a job's data in its hash.
]]

--- @include "stamp"

local function storeJob(key, id, data)
  rcall("HSET", key, "id", id, "data", data, "at", stamp())
end

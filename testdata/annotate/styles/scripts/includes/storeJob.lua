--[[
  Stores a job's data under prefix .. jobId.
]]
local function storeJob(prefix, jobId, data)
  local jobKey = prefix .. jobId
  rcall("HSET", jobKey, "data", data)
  return jobKey
end

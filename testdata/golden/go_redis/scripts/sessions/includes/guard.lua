local function guard(key, strict)
  return strict == '0' or redis.call('EXISTS', key) == 1
end

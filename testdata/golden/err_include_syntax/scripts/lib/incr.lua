local function incr(k)
  local n = rcall("INCR", k)
  if n > 10 then
    return 10
  return n
end

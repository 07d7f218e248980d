-- Only included: it needs no header.
local function count(t)
  return #t
end

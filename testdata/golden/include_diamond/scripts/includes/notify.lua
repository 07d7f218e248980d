--- @include "stamp"

local function notify(stream, id)
  -- luagen:ignore dynamic-keys-index the stream is always KEYS[2]
  local s = KEYS[1 + 1]
  rcall("XADD", stream, "*", "job", id, "at", stamp())
  return KEYS[#KEYS]
end

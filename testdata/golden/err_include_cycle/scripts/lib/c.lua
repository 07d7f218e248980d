--- @include "../lib/b.lua"
local function c() return 1 end

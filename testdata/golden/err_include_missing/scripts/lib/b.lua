--- @include "/etc/passwd"
local x = 1

--[[luagen
doc: Uses only its arg; the key is there to route the call to a slot.
keys: [route]
args: [value]
returns: string
]]
return ARGV[1]

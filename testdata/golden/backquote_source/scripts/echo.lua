--[[luagen
doc: Echoes its arg; the body holds a `backquote`, so the source is a quoted literal.
args: [msg]
returns: string
]]
-- a comment with `backquotes` and a "quote" and a tab:	.
return ARGV[1]

module github.com/luagen/luagen/examples

go 1.25.0

replace github.com/luagen/luagen => ../

require (
	github.com/alicebob/miniredis/v2 v2.40.0
	github.com/luagen/luagen v0.0.0-00010101000000-000000000000
	github.com/redis/rueidis v1.0.79
)

require (
	github.com/yuin/gopher-lua v1.1.2 // indirect
	golang.org/x/sys v0.47.0 // indirect
)

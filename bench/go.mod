module github.com/luagen/luagen/bench

go 1.26.8

replace (
	github.com/luagen/luagen => ../
	github.com/luagen/luagen/goredis => ../goredis
)

require (
	github.com/luagen/luagen v0.0.0-00010101000000-000000000000
	github.com/luagen/luagen/goredis v0.0.0-00010101000000-000000000000
	github.com/redis/go-redis/v9 v9.23.0
	github.com/redis/rueidis v1.0.79
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)

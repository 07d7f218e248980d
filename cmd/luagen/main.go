// Command luagen turns annotated Redis Lua scripts into typed Go bindings.
//
// Usage:
//
//	luagen [command] [flags]
//
// Commands are generate (the default), check, vet, init, annotate and
// version; run "luagen -h" or "luagen <command> -h" for details. Typical
// use is a
//
//	//go:generate go tool luagen generate
//
// line next to luagen.yaml, and "luagen check" in CI.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

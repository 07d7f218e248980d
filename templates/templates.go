// Package templates holds the files luagen scaffolds, embedded so the
// installed binary needs nothing else. It is its own package because
// go:embed cannot reach files above the embedding package's folder.
package templates

import "embed"

// Init is the scaffold "luagen init" writes: every file under init/, at the
// same path relative to the folder of luagen.yaml.
//
//go:embed init
var Init embed.FS

// InitRoot is the folder inside Init that maps to the config's folder.
const InitRoot = "init"

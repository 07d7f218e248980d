package core

// Script is one generated script: its name, file, exact source and SHA1.
// Generated code creates each Script once, as a package-level variable.
type Script struct {
	name     string
	file     string
	source   string
	sha1     string
	readOnly bool
	// prefixes are the params declared `prefix: true`: the script builds
	// keys from them, so their hash tags must put those keys in the call's
	// slot, and a call with no keys is routed by the first one.
	prefixes []Prefix
}

// Prefix is a key-prefix param of a script.
type Prefix struct {
	Param string // its name as declared in the header
	Arg   bool   // an ARGV param; else a KEYS param
	Index int    // 0-based among the keys, or among the args
}

// at is the prefix's index in a call's keys-then-args list.
func (p Prefix) at(nkeys int) int {
	if p.Arg {
		return nkeys + p.Index
	}
	return p.Index
}

// NewScript describes a script. name is its Go name ("TakeTokens"), file its
// path relative to luagen.yaml ("scripts/take_tokens.lua"), source the file's
// exact bytes and sha1 the hex SHA1 of source, computed by the generator so
// that nothing is hashed at run time. Read-only scripts run with EVALSHA_RO
// and EVAL_RO and may be served by replicas. prefixes lists the script's
// key-prefix params.
func NewScript(name, file, source, sha1 string, readOnly bool, prefixes ...Prefix) *Script {
	return &Script{name: name, file: file, source: source, sha1: sha1, readOnly: readOnly, prefixes: prefixes}
}

// Name is the script's Go name.
func (s *Script) Name() string { return s.name }

// File is the script's path relative to luagen.yaml.
func (s *Script) File() string { return s.file }

// SHA1 is the hex SHA1 of the script's source.
func (s *Script) SHA1() string { return s.sha1 }

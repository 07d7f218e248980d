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
	// lines maps source lines to the files they come from, for a script
	// that includes others; nil otherwise. Read on error paths only.
	lines Lines
}

// Option is an optional part of a script, given to NewScript: a Prefix or
// Lines.
type Option interface{ apply(*Script) }

func (p Prefix) apply(s *Script) { s.prefixes = append(s.prefixes, p) }

// Lines maps the lines of a script's source to the files they come from,
// for a script that includes other files (--- @include "path"), which the
// generator flattened into its source. Spans are sorted by Line.
type Lines []Span

// Span says that the source's lines from Line up to the next span's are
// lines From, From+1, ... of File.
type Span struct {
	Line int
	File string
	From int
}

func (l Lines) apply(s *Script) { s.lines = l }

// Origin returns the file and the line in it that line of the script's
// source comes from: the script's own file and line unless the line comes
// from a file it includes. Line 0 (unknown) stays 0 in the script's file.
func (s *Script) Origin(line int) (file string, fileLine int) {
	file, fileLine = s.file, line
	if line <= 0 {
		return file, fileLine
	}
	for _, sp := range s.lines {
		if sp.Line > line {
			break
		}
		file, fileLine = sp.File, sp.From+line-sp.Line
	}
	return file, fileLine
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
// and EVAL_RO and may be served by replicas. opts are the script's
// key-prefix params (Prefix) and, when it includes other files, its Lines.
func NewScript(name, file, source, sha1 string, readOnly bool, opts ...Option) *Script {
	s := &Script{name: name, file: file, source: source, sha1: sha1, readOnly: readOnly}
	for _, o := range opts {
		o.apply(s)
	}
	return s
}

// Name is the script's Go name.
func (s *Script) Name() string { return s.name }

// File is the script's path relative to luagen.yaml.
func (s *Script) File() string { return s.file }

// SHA1 is the hex SHA1 of the script's source.
func (s *Script) SHA1() string { return s.sha1 }

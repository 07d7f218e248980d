package rt

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

	// lib, fn and lineOffset are set for a script of a Functions library
	// (see InLibrary); isLib marks a library's load unit.
	lib        *Library
	fn         string
	lineOffset int
	isLib      *Library
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
func Origin(s *Script, line int) (file string, fileLine int) {
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

// Library is a Redis Functions library generated from a package's scripts
// (luagen.yaml `library: NAME`): one function per script, each running the
// script's body unchanged, plus a version function that returns Version.
type Library struct {
	name    string
	source  string // the library code, "#!lua name=NAME" first
	version string // hex SHA1 of the library code before its version function
	// unit stands for the library where the runner loads scripts: loads,
	// their dedup per node and their epochs are per unit.
	unit *Script
}

// NewLibrary describes a library. source is its code, sent by FUNCTION LOAD
// REPLACE; version is what its version function (VersionFunction) returns.
func NewLibrary(name, source, version string) *Library {
	l := &Library{name: name, source: source, version: version}
	l.unit = &Script{name: name, file: "library " + name, source: source, sha1: version, isLib: l}
	return l
}

// Name is the library's name in Redis.
func (l *Library) Name() string { return l.name }

// Version is the hex SHA1 that identifies this build of the library.
func (l *Library) Version() string { return l.version }

// Source is the library's code.
func (l *Library) Source() string { return l.source }

// VersionFunction is the version function's name of library name.
func VersionFunction(name string) string { return "luagen_version_" + name }

// InLibrary makes s a function of lib: on servers with Redis Functions its
// calls are FCALL (FCALL_RO when read-only) of function fn, whose body
// starts at line firstLine+1 of the library's code (firstLine is the
// library line of the file's line 1, less one: 0 when the file's line 1
// is the library's line 1). It returns s.
func InLibrary(s *Script, lib *Library, fn string, lineOffset int) *Script {
	s.lib, s.fn, s.lineOffset = lib, fn, lineOffset
	return s
}

// Library is the library s belongs to, or nil.
func (s *Script) Library() *Library { return s.lib }

// FunctionLine maps a line of s's library, as Redis reports it in errors
// ("user_function:N"), to the line of s's file; 0 when it is outside s.
func FunctionLine(s *Script, n int) int {
	if s.lib == nil || n-s.lineOffset < 1 {
		return 0
	}
	return n - s.lineOffset
}

// The functions below give the backends what only they may read of a
// Script or Library; they are functions, not methods, so that the user's
// method set stays Name, File, SHA1 and Library.

// Source is the script's exact source, as EVAL and SCRIPT LOAD send it.
func Source(s *Script) string { return s.source }

// ReadOnly reports whether s runs with the _RO commands.
func ReadOnly(s *Script) bool { return s.readOnly }

// Prefixes are s's key-prefix params.
func Prefixes(s *Script) []Prefix { return s.prefixes }

// Function is the name of s's function in its library ("" without one).
func Function(s *Script) string { return s.fn }

// Refs returns pointers to s's SHA1, source and function name, for a
// client that takes *string arguments: storing a string in an interface
// allocates, storing a pointer does not.
func Refs(s *Script) (sha1, source, function *string) { return &s.sha1, &s.source, &s.fn }

// LibraryOf is the library s loads as: set for a library's load unit (see
// Unit), nil for a script or a function.
func LibraryOf(s *Script) *Library { return s.isLib }

// LibraryUnit is the Script that stands for l where scripts are loaded.
func LibraryUnit(l *Library) *Script { return l.unit }

// At is the prefix's index in a call's keys-then-args list.
func (p Prefix) At(nkeys int) int { return p.at(nkeys) }

// LibraryVersion is the version of a library one node holds.
type LibraryVersion struct {
	Node    string // the node's address
	Role    string // "master" or "slave", as ROLE says
	Library string
	// Version is the hex SHA1 of the library the node holds; "" when it
	// holds none (or one without luagen's version function), "unknown"
	// when that function does not answer as luagen's does.
	Version string
	Current bool // Version is the one this program was built with
	// Replaced says that Sync loaded this program's library on the node.
	Replaced bool
}

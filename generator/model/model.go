// Package model is the checked description of a luagen project: the packages
// of luagen.yaml and, for each, the scripts with their typed keys, args and
// result. The parser and checker build it; the emitter reads it. Nothing in
// here touches the file system.
package model

import (
	"path"
	"strings"
)

// Project is everything one luagen.yaml describes.
type Project struct {
	// ConfigPath is the path of luagen.yaml as given on the command line.
	ConfigPath string
	// Root is the directory holding luagen.yaml; every other path is relative to it.
	Root string
	// ModuleRoot is the directory of the go.mod that encloses Root ("" if none).
	ModuleRoot string
	Packages   []*Package
}

// Package is one generated Go package.
type Package struct {
	Name          string // Go package name, e.g. "limiter"
	Scripts       string // the scripts folder or glob as configured
	Out           string // output folder, slash-separated, relative to Project.Root
	EmitInterface bool
	Files         []*Script // the scripts, sorted by File
	// Library, when set, is the Redis Functions library the scripts are
	// also emitted as (luagen.yaml `library:`), called by FCALL.
	Library string
	// Client is the Redis client the generated code takes (luagen.yaml
	// `client:`); "" means ClientRueidis.
	Client Client
}

// Client is a Go Redis client generated code can be written for: it
// decides the runtime package the code calls and the client New takes.
type Client string

const (
	// ClientRueidis: New takes a rueidis.Client; the code calls package
	// github.com/luagen/luagen/runtime. The default.
	ClientRueidis Client = "rueidis"
	// ClientGoRedis: New takes a go-redis redis.UniversalClient; the code
	// calls github.com/luagen/luagen/goredis, a module of its own.
	ClientGoRedis Client = "go-redis"
)

// Clients are the values luagen.yaml's client: accepts, the default first.
var Clients = []Client{ClientRueidis, ClientGoRedis}

// Script is one annotated .lua file.
type Script struct {
	// File is the script's path relative to Project.Root, slash-separated
	// ("scripts/limiter/take_tokens.lua"). It appears in errors, in generated
	// code and in runtime error messages.
	File string
	// Source is what Redis gets: the file's exact bytes, with the files it
	// includes (--- @include "path") inserted.
	Source string
	SHA1   string // hex SHA1 of Source, as Redis computes it
	// Includes are the files the script includes, directly or not, in the
	// order they are inserted, relative to Project.Root like File.
	Includes []string
	// Lines maps the lines of Source to the files they come from when the
	// script includes others; nil otherwise (Source is the file).
	Lines []Span
	// Name is the script's name as declared or derived from the file name
	// ("take_tokens"); GoName is its exported Go form ("TakeTokens").
	// NameFromFile says the header declares no name, so the checker
	// derives it from the file name.
	Name         string
	GoName       string
	NameFromFile bool
	Doc          string
	ReadOnly     bool
	// Shebang is the first line when it starts with "#!" ("" otherwise).
	Shebang string
	Keys    []Param // each of Type String
	Args    []Param
	Result  Result
	// HeaderLine is the 1-based line of the --[[luagen opener.
	HeaderLine int
	// NamePos is where the name is declared (the name: value), or the
	// header opener when the name comes from the file name.
	NamePos Pos
}

// PackageNames are the package-level Go identifiers the emitter declares in
// every generated package; no script's generated names may equal them.
var PackageNames = []string{"Scripts", "New", "NewWithRunner", "Pipeline", "On", "Interface", "AllScripts"}

// MethodNames are the methods the emitter declares on the generated Scripts
// and pipeline types. Every script becomes a method named by its GoName on
// both, so no GoName may equal one of these.
var MethodNames = []string{"Runner", "Load", "Pipeline", "Batch", "Exec"}

// GeneratedNames returns the package-level Go identifiers the emitter
// declares for this script. They are reserved whether or not the script has
// a struct result, so adding one later never breaks another script.
func (s *Script) GeneratedNames() []string {
	return []string{s.GoName, s.GoName + "Result", s.GoName + "Source", s.GoName + "SHA1"}
}

// GoFile is the name of the script's generated file: the Lua file's base
// name with ".lua" replaced by ".luagen.go".
func (s *Script) GoFile() string {
	return strings.TrimSuffix(path.Base(s.File), ".lua") + ".luagen.go"
}

// Param is a key or an argument.
type Param struct {
	Name     string // as written in the header ("retry_after")
	GoName   string // lowerCamel Go parameter name ("retryAfter"), never a Go keyword
	Doc      string
	Type     Type
	Variadic bool
	// Prefix marks a key prefix: the script builds keys from it, so the
	// runtime checks that its hash tag puts them in the call's slot.
	Prefix bool
	Pos    Pos // where the param is declared in the header
}

// Result is what the script returns.
type Result struct {
	Type     Type // TypeNone when the script returns nothing useful
	Nullable bool // a nil reply is allowed: pointer for scalars and structs
	// StructName is the Go name of the generated struct ("TakeTokensResult")
	// when Type is TypeStruct.
	StructName string
	Fields     []Field
	Doc        string
}

// Field is one positional element of a struct result.
type Field struct {
	Name     string // as written ("retry_after")
	GoName   string // exported Go name with initialisms ("RetryAfter", "UserID")
	Type     Type   // any scalar or slice/map result type; never TypeStruct
	Nullable bool
	Doc      string
	Pos      Pos // where the field's name is declared in the header
}

// Span says that the lines of Script.Source from Line up to the next
// span's are lines From, From+1, ... of File (the script's or an included
// file's path, like Script.File).
type Span struct {
	Line int
	File string
	From int
}

// Pos is a position in a source file; Line and Col are 1-based.
type Pos struct {
	Line int
	Col  int
}

// Type is a luagen type name as written in headers.
type Type string

const (
	TypeNone      Type = "none"
	TypeString    Type = "string"
	TypeBytes     Type = "[]byte"
	TypeInt64     Type = "int64"
	TypeInt       Type = "int"
	TypeUint64    Type = "uint64"
	TypeFloat64   Type = "float64"
	TypeBool      Type = "bool"
	TypeDuration  Type = "time.Duration" // milliseconds on the wire
	TypeTime      Type = "time.Time"     // Unix milliseconds on the wire
	TypeJSON      Type = "json"          // arg only: any Go value, JSON-encoded
	TypeStrings   Type = "[]string"
	TypeInt64s    Type = "[]int64"
	TypeStringMap Type = "map[string]string"
	TypeRaw       Type = "raw" // result only: the reply as the client gives it (rueidis.RedisMessage, or any for go-redis)
	TypeStruct    Type = "struct"
)

// ArgTypes are the types an ARGV parameter may have, in documentation order.
var ArgTypes = []Type{TypeString, TypeBytes, TypeInt64, TypeInt, TypeUint64, TypeFloat64, TypeBool, TypeDuration, TypeTime, TypeJSON}

// ResultTypes are the types a result may have, in documentation order.
var ResultTypes = []Type{TypeNone, TypeInt64, TypeInt, TypeUint64, TypeString, TypeBytes, TypeBool, TypeFloat64, TypeDuration, TypeTime, TypeStrings, TypeInt64s, TypeStringMap, TypeRaw, TypeStruct}

// FieldTypes are the types a struct field may have.
var FieldTypes = []Type{TypeInt64, TypeInt, TypeUint64, TypeString, TypeBytes, TypeBool, TypeFloat64, TypeDuration, TypeTime, TypeStrings, TypeInt64s, TypeStringMap, TypeRaw}

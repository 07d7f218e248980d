package diag

// Check names the rule behind a finding. Names are stable and kebab-case:
// users write them after luagen:ignore, read them in every command's
// output, and look them up in Checks.
type Check string

// The checks, in the order the stages run: config, script file, header,
// names, Lua body, vet, suppressions.
const (
	ConfigFile     Check = "config-file"
	ConfigYAML     Check = "config-yaml"
	ConfigField    Check = "config-field"
	PackageName    Check = "package-name"
	PackageOut     Check = "package-out"
	PackageScripts Check = "package-scripts"

	ScriptFile  Check = "script-file"
	Include     Check = "include"
	Header      Check = "header"
	HeaderYAML  Check = "header-yaml"
	HeaderField Check = "header-field"
	HeaderType  Check = "header-type"
	Shebang     Check = "shebang"

	ScriptName    Check = "script-name"
	ParamName     Check = "param-name"
	VariadicParam Check = "variadic-param"
	PrefixParam   Check = "prefix-param"
	FieldName     Check = "field-name"
	GeneratedFile Check = "generated-file"

	LuaSyntax Check = "lua-syntax"
	Goto      Check = "goto"
	KeysIndex Check = "keys-index"
	ArgvIndex Check = "argv-index"
	UnusedKey Check = "unused-key"
	UnusedArg Check = "unused-arg"

	KeyNotFromKeys   Check = "key-not-from-KEYS"
	WriteInReadonly  Check = "write-in-readonly"
	UnknownCommand   Check = "unknown-command"
	CommandArity     Check = "command-arity"
	NoscriptCommand  Check = "noscript-command"
	GlobalWrite      Check = "global-write"
	UndefinedGlobal  Check = "undefined-global"
	DynamicKeysIndex Check = "dynamic-keys-index"

	IgnoreDirective Check = "ignore"
)

// CheckInfo describes a check.
type CheckInfo struct {
	Name     Check
	Severity Severity // what its findings are; shebang also warns (no-cluster)
	// Ignorable says a luagen:ignore comment may silence it. Findings
	// about luagen.yaml, the header's shape and names, and Lua that Redis
	// would not load are not: silencing them would only move the failure
	// to generation or to run time.
	Ignorable bool
	Doc       string
}

// Checks lists every check luagen has, in the order of the constants above.
var Checks = []CheckInfo{
	{ConfigFile, Error, false, "luagen.yaml cannot be read, or its folder resolved."},
	{ConfigYAML, Error, false, "luagen.yaml is empty, not valid YAML, or holds more than one document."},
	{ConfigField, Error, false, "a field of luagen.yaml is unknown, set twice, missing or of the wrong kind, or version is not 1."},
	{PackageName, Error, false, "a package name is not a Go identifier, is a keyword, or is used twice."},
	{PackageOut, Error, false, "an out folder is absolute, outside the Go module, or shared by two packages."},
	{PackageScripts, Error, false, "a scripts folder or pattern is absolute, uses **, does not exist, or has no .lua files."},

	{ScriptFile, Error, false, "a script file cannot be read."},
	{Include, Error, false, "an @include line that is malformed, comes before the luagen header, names a file that cannot be read or starts with a shebang, or closes a cycle."},
	{Header, Error, false, "the --[[luagen ... ]] header is missing, after code, or badly opened or closed."},
	{HeaderYAML, Error, false, "the header is not valid YAML, or holds more than one document."},
	{HeaderField, Error, false, "a header field is unknown, set twice, missing or of the wrong kind."},
	{HeaderType, Error, false, "a key, arg, result or field type is unknown or not allowed there; nullable where it cannot apply; a struct without fields."},
	{Shebang, Error, true, "the #!lua line has an unknown engine, option or flag, or readonly: true lacks flags=no-writes (errors, which cannot be ignored); flags=no-cluster, which Redis refuses on a cluster (a warning)."},

	{ScriptName, Error, false, "a script name is not an identifier, or its Go names clash with another script's or with what every generated package declares."},
	{ParamName, Error, false, "a key or arg name is not an identifier, is a Go keyword, or is used twice (also as a Go name)."},
	{VariadicParam, Error, false, "a variadic key or arg is not the last one."},
	{PrefixParam, Error, false, "a key prefix (prefix: true) that is variadic or not a string."},
	{FieldName, Error, false, "a struct field name is not an identifier or is used twice (also as a Go name)."},
	{GeneratedFile, Error, false, "a script's generated file name clashes with another's, or the Go tool would skip it or build it on one platform only."},

	{LuaSyntax, Error, false, "the body is not valid Lua 5.1 as Redis reads it."},
	{Goto, Error, false, "goto or a label, which Redis's Lua 5.1 rejects."},
	{KeysIndex, Error, true, "KEYS[n] outside the keys the header declares."},
	{ArgvIndex, Error, true, "ARGV[n] outside the args the header declares."},
	{UnusedKey, Warning, true, "a declared key the body never reads (fine for a key that only routes the call to its slot)."},
	{UnusedArg, Warning, true, "a declared arg the body never reads."},

	{KeyNotFromKeys, Error, true, "a redis.call key argument that is not an element of KEYS."},
	{WriteInReadonly, Error, true, "a write command in a read-only script."},
	{UnknownCommand, Error, true, "a command or subcommand Redis does not have."},
	{CommandArity, Error, true, "a command with a number of arguments Redis refuses."},
	{NoscriptCommand, Error, true, "a command Redis refuses in scripts (EVAL, MULTI, blocking pops ...)."},
	{GlobalWrite, Error, true, "an assignment to a global or into a Redis library table."},
	{UndefinedGlobal, Error, true, "a global Redis does not define, or a library function it lacks."},
	{DynamicKeysIndex, Warning, true, "KEYS[expr] with a computed index when the header's keys are fixed."},

	{IgnoreDirective, Warning, false, "a luagen:ignore comment that is malformed, names an unknown check, or silences nothing."},
}

// Lookup returns the check named name.
func Lookup(name string) (CheckInfo, bool) {
	for _, c := range Checks {
		if string(c.Name) == name {
			return c, true
		}
	}
	return CheckInfo{}, false
}

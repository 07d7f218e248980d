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
	NoCluster   Check = "no-cluster"

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
	Name Check
	// Severity is the default severity of its findings: Error where Redis
	// certainly refuses the script or the call, or luagen cannot generate;
	// Warning for cluster hazards and smells. luagen.yaml's checks: may
	// change it unless Locked says why not.
	Severity Severity
	// Ignorable says a luagen:ignore comment may silence it. Findings
	// about luagen.yaml, the header's shape and names, and Lua that Redis
	// would not load are not: silencing them would only move the failure
	// to generation or to run time.
	Ignorable bool
	// Locked, when set, says why the check's severity cannot be lowered
	// (it is always an error): "luagen cannot generate until it is fixed"
	// or "Redis would refuse to load the script".
	Locked string
	Doc    string
}

// Reasons a check is Locked.
const (
	lockedGenerate = "luagen cannot generate until it is fixed"
	lockedRedis    = "Redis would refuse to load the script"
)

// Checks lists every check luagen has, in the order of the constants above.
var Checks = []CheckInfo{
	{ConfigFile, Error, false, lockedGenerate, "luagen.yaml cannot be read, or its folder resolved."},
	{ConfigYAML, Error, false, lockedGenerate, "luagen.yaml is empty, not valid YAML, or holds more than one document."},
	{ConfigField, Error, false, lockedGenerate, "a field of luagen.yaml is unknown, set twice, missing or of the wrong kind; version is not 1; `client:` is not rueidis or go-redis; `checks:` names an unknown check or level, or lowers a check that cannot be lowered."},
	{PackageName, Error, false, lockedGenerate, "a package name is not a Go identifier, is a keyword, or is used twice."},
	{PackageOut, Error, false, lockedGenerate, "an out folder is absolute, outside the Go module, or shared by two packages."},
	{PackageScripts, Error, false, lockedGenerate, "a scripts folder or pattern is absolute, uses `**`, does not exist, or has no .lua files."},

	{ScriptFile, Error, false, lockedGenerate, "a script file cannot be read."},
	{Include, Error, false, lockedGenerate, "an @include line that is malformed, comes before the luagen header, names a file that cannot be read or starts with a shebang, or closes a cycle."},
	{Header, Error, false, lockedGenerate, "the `--[[luagen ... ]]` header is missing, after code, or badly opened or closed."},
	{HeaderYAML, Error, false, lockedGenerate, "the header is not valid YAML, or holds more than one document."},
	{HeaderField, Error, false, lockedGenerate, "a header field is unknown, set twice, missing or of the wrong kind."},
	{HeaderType, Error, false, lockedGenerate, "a key, arg, result or field type is unknown or not allowed there; nullable where it cannot apply; a struct without fields."},
	{Shebang, Error, false, "Redis would refuse to load or run the script", "the `#!lua` line has an unknown engine, option or flag (`flags=no-write`), or `readonly: true` lacks `flags=no-writes`."},
	{NoCluster, Warning, true, "", "`#!lua flags=no-cluster`: Redis refuses to run the script on a cluster."},

	{ScriptName, Error, false, lockedGenerate, "a script name is not an identifier, or its Go names clash with another script's or with what every generated package declares."},
	{ParamName, Error, false, lockedGenerate, "a key or arg name is not an identifier, is a Go keyword, or is used twice (also as a Go name)."},
	{VariadicParam, Error, false, lockedGenerate, "a variadic key or arg is not the last one."},
	{PrefixParam, Error, false, lockedGenerate, "a key prefix (`prefix: true`) that is variadic or not a string."},
	{FieldName, Error, false, lockedGenerate, "a struct field name is not an identifier or is used twice (also as a Go name)."},
	{GeneratedFile, Error, false, lockedGenerate, "a script's generated file name clashes with another's, or the Go tool would skip it or build it on one platform only."},

	{LuaSyntax, Error, false, lockedRedis, "the body is not valid Lua 5.1 as Redis reads it."},
	{Goto, Error, false, lockedRedis, "`goto` or a label, which Redis's Lua 5.1 rejects."},
	{KeysIndex, Error, true, "", "`KEYS[n]` beyond the keys the header declares, also as the counter of a loop with literal bounds (`for i = 1, 3`): it reads nil."},
	{ArgvIndex, Error, true, "", "`ARGV[n]` beyond the args the header declares: it reads nil."},
	{UnusedKey, Warning, true, "", "a declared key the body never reads (fine for a key that only routes the call to its slot)."},
	{UnusedArg, Warning, true, "", "a declared arg the body never reads."},

	{KeyNotFromKeys, Warning, true, "", "a key argument (by Redis's key specs) of a Redis call that neither comes from KEYS nor starts with a key prefix (`prefix: true`): a literal, ARGV, a reply, `'config:' .. ARGV[1]`. On a cluster it may live on another node."},
	{WriteInReadonly, Error, true, "", "a write command (or one that may replicate, like `PUBLISH`) in a `readonly: true` or `flags=no-writes` script."},
	{UnknownCommand, Error, true, "", "a command or subcommand Redis 7.0 does not have, with a suggestion (`HSETT`: did you mean HSET?); module commands (`JSON.SET`) pass."},
	{CommandArity, Error, true, "", "a call with a number of arguments the command never takes (`redis.call('GET', KEYS[1], 'x')`)."},
	{NoscriptCommand, Error, true, "", "a command Redis refuses in scripts: `EVAL`, `MULTI`, `WATCH`, the blocking pops ..."},
	{GlobalWrite, Error, true, "", "an assignment to a global (`count = 0`, `function f() end`) or into a Redis library table (`redis.x = 1`)."},
	{UndefinedGlobal, Error, true, "", "a read of a global Redis does not define (`tonumer`), or a library function it lacks (`redis.cal`)."},
	{DynamicKeysIndex, Warning, true, "", "`KEYS[expr]` with a computed index when the header's last key is not variadic (a loop with literal bounds within the declared keys is fine)."},

	{IgnoreDirective, Warning, false, "", "a `luagen:ignore` comment that is malformed, names an unknown check, or silences nothing."},
}

// Names returns every check's name, for hints and messages.
func Names() []string {
	out := make([]string, len(Checks))
	for i, c := range Checks {
		out[i] = string(c.Name)
	}
	return out
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

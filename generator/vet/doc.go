// Package vet holds luagen's static checks of script bodies beyond what
// generation needs: bugs Redis reports only when the script runs, often on
// a cluster and after earlier writes already happened. Each finding has a
// stable check name (all of luagen's are listed in generator/diag), used in
// output and in suppressions:
//
//   - key-not-from-KEYS (warning): a key argument of a Redis call that
//     neither is an element of KEYS nor starts with a key prefix (a param
//     declared prefix: true): a literal, ARGV, a reply, a string built from
//     them. Values are followed through locals, upvalues and tables (keys.go:
//     local k = KEYS[1]; for _, k in ipairs(KEYS); unpack(KEYS); tables
//     filled from KEYS and their fields; parameters of a local function that
//     is only called by name); a string starts with a prefix when the prefix
//     is leftmost in a .. chain or the first %s of a string.format whose
//     format starts with it. Key positions come from Redis's key specs, so
//     DEL k1 k2, MSET k v k v, ZUNIONSTORE dest numkeys k..., XREAD ...
//     STREAMS k... and GEORADIUS ... STORE k are all checked.
//   - write-in-readonly (error): a command flagged write (or may_replicate,
//     which Redis treats as a write here) in a script declared
//     readonly: true or with the no-writes shebang flag.
//   - unknown-command (error): a literal command name, or subcommand of a
//     container such as OBJECT, that Redis does not have, with a "did you
//     mean" hint. Names with a dot (JSON.SET) are module commands and pass.
//   - command-arity (error): a literal command with a number of arguments
//     Redis refuses.
//   - noscript-command (error): a command Redis refuses in scripts (EVAL,
//     MULTI, WATCH, SCRIPT LOAD, the blocking pops ...).
//   - global-write (error): an assignment to a global, function f() without
//     local, or an assignment into a Redis library table (redis.x = ...);
//     Redis's globals are read-only.
//   - undefined-global (error): a read of a global Redis does not define, or
//     a call of a library function it lacks (redis.cal).
//   - dynamic-keys-index (warning): KEYS[expr] with a computed index when the
//     header's last key is not variadic. The counter of a numeric for loop
//     with literal bounds and step (for i = 7, 10), plus or minus a literal,
//     is read as those indexes instead: fine within the declared keys,
//     keys-index (error) beyond them.
//   - no-cluster (warning): flags=no-cluster, which Redis refuses on a
//     cluster. generator/parse reports the shebang's errors (unknown flags,
//     name=, readonly: true without no-writes) as shebang.
//
// The five call checks see every call of redis.call and redis.pcall
// however it is written (calls.go): through a local alias (upvalues
// included), a field of a local table holding one, a field of a local alias
// of the redis table; and inside a local function, only called by name,
// whose redis call takes the function's parameters or ... as arguments,
// once per call of that function with the call's arguments in their place
// (followed outwards through such functions, eight deep), so that
// get(ARGV[1]) is reported where it is written, naming the function it
// went through. A nil argument, and the calls of a local function that
// nothing calls, are no key hazards.
//
// The severities above are the defaults, listed with every other check in
// generator/diag.Checks; luagen.yaml's checks: changes them after the
// fact (generator.Load), so vet always reports the defaults.
//
// generator/check's generate-time checks (lua-syntax, keys-index,
// argv-index, unused-key, unused-arg, goto) report through the same
// diag.Diagnostic with their own names, and Suppress applies to them too
// (to every check diag.Checks marks Ignorable): a comment
//
//	-- luagen:ignore <check-name> <reason>
//
// after code silences that check on its line; alone on a line (or as a
// YAML comment in the header) it silences the next line, and on line 2 the
// shebang's line too. Several names may be given, separated by commas. A
// directive without a reason, naming an unknown check, or silencing
// nothing is a warning (check "ignore"). lua-syntax, goto and the shebang
// errors cannot be silenced: Redis would not load or run the script.
//
// # Command table
//
// The commands, their arity, flags, key specs and subcommands, and the
// global names scripts see, are in commands.json, written from a real
// Redis 7 server by internal/cmd/gencommands. To refresh it, run
//
//	go generate ./generator/vet
//
// which starts a throwaway redis-server from PATH, or read a running
// server with
//
//	go run ./internal/cmd/gencommands -addr host:port -o generator/vet/commands.json
//
// The file is sorted, one command per line, so a refresh is a readable
// diff. COMMAND hides the may_replicate flag, which read-only scripts
// treat as a write; gencommands adds it for PUBLISH, SPUBLISH and PFCOUNT
// and checks them against the server. Commands newer than the table's
// Redis version are reported as unknown.
//
// # Positions
//
// vet reads the script as generator/luasrc prepared it once for every
// stage, and the walk of its tree that luasrc made (luasrc.Program), which
// resolves each name to a local or a global and to its token; keys.go
// follows keys from KEYS through locals on top of it. gopher-lua's AST
// carries lines but no columns, so a finding's column is its name's token,
// and a call's arguments are found by splitting its parentheses at
// top-level commas. When the match fails (code the walk and the tokens
// disagree on, such as (redis.call)(...)), an argument's finding points at
// the start of the call, and any other finding at column 1.
//
// # Limitations
//
// Values are followed flow-insensitively: a local counts as a key only if
// every assignment to it in the script is one, and a local table holds
// keys only if everything stored into it (its constructor, t[k] = v,
// table.insert) is one, field by field where the index is a literal, so
// one table mixing keys and other values under unknown indexes makes all
// its elements suspect; a table changed by a function other than
// table.insert is judged by what vet saw stored. Return values of
// functions are not followed. A command name that is not a literal string,
// nor a parameter given one, is not checked. For a key count that is not a
// literal (ZUNIONSTORE dest #KEYS ...), only the first key is checked; a
// multi-valued last argument (unpack(t), f()) must hold keys from KEYS if
// any key position falls into it. One question about a value takes at most
// maxSteps steps and maxDepth levels, and one script's calls are checked
// as at most maxCalls calls; beyond, values are "not known to be keys" and
// calls are checked as written.
package vet

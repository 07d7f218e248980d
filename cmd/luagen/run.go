package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit codes, as documented in the usage text.
const (
	exitOK       = 0
	exitFindings = 1 // vet findings or stale generated files
	exitUsage    = 2 // bad flags, config or script errors; nothing was written
)

const usage = `luagen turns annotated Redis Lua scripts into typed Go bindings.

Usage:
  luagen [command] [flags]

Commands:
  generate  write the Go bindings for luagen.yaml (the default command)
  check     print a diff and exit 1 when generated files are stale; writes nothing
  vet       report problems in luagen.yaml and the scripts; writes nothing
  init      create luagen.yaml, a sample script and its generated Go
  annotate  write a luagen header into .lua files that have none
  functions list (-sync: replace) the Functions libraries each Redis node holds
  version   print luagen's version

Run "luagen <command> -h" for a command's flags.

Exit status: 0 ok, 1 vet errors (or more warnings than vet -max-warnings)
or stale files, 2 usage, config or script errors (printed to stderr as
file:line:col: check-name: message; nothing is written).
`

// command is one subcommand: its flags and what it does once they parse.
type command struct {
	name    string
	args    string // the positional arguments it takes, for its usage line; "" for none
	summary string
	run     func(c *cli) int
}

var commands = []*command{
	{name: "generate", summary: "Generate writes the Go bindings of every package in the config into its out\nfolder. Warnings go to stderr; on any error nothing is written. It only\noverwrites or deletes files that start with luagen's \"Code generated\" line.", run: (*cli).generate},
	{name: "check", summary: "Check generates in memory and compares with the files on disk. It prints a\nunified diff of every stale, missing or extra file and exits 1 if there is\none. It writes nothing.", run: (*cli).check},
	{name: "vet", summary: "Vet checks the config and the scripts and writes nothing: Lua syntax, the\nheaders, KEYS and ARGV use, keys not taken from KEYS, unknown commands,\nwrites in read-only scripts, globals. It prints every finding, warnings\nincluded, as file:line:col: check-name: message. It exits 1 if there is\nan error, or more warnings than -max-warnings (by default warnings alone\nexit 0), and 2 if the config cannot be read. luagen.yaml's checks: sets a\ncheck to error, warning or off. A comment\n\t-- luagen:ignore <check-name> <reason>\nsilences a check on its line, or on the next line when alone on its own.", run: (*cli).vet},
	{name: "init", summary: "Init writes a luagen.yaml, a sample script and the script's generated Go\nnext to it (the config path is -f), in a Go module (run go mod init first).\nIt refuses to overwrite any existing file.", run: (*cli).initScaffold},
	{name: "annotate", args: "PATH...", summary: "Annotate writes a luagen header into each .lua file named, or in a folder named\n(not recursively), that has none and that no other of them includes (an\ninclude needs no header). Keys and args are counted from the KEYS[n] and\nARGV[n] the script reads, with its includes, and from a name-N.lua file\nname; names come from doc comments (KEYS[1] wait key), else key1, arg1;\nargs are strings and the result raw: edit the header afterwards. The rest\nof the file is kept byte for byte; files with a header are left alone.", run: (*cli).annotate},
	{name: "functions", summary: "Functions connects to -redis (a server, or any nodes of a cluster) and lists,\nfor every package with library:, the version of its Redis Functions library\neach node holds: current (the one built from the scripts on disk), other,\nor missing. It exits 1 when a node holds another version or none. With\n-sync it loads the library (FUNCTION LOAD REPLACE) on every master that\ndoes not hold the current one.", run: (*cli).functions},
	{name: "version", summary: "Version prints luagen's module version.", run: (*cli).version},
}

// cli is one invocation's flags and output streams.
type cli struct {
	stdout, stderr io.Writer
	config         string
	verbose        bool
	json           bool     // vet -json
	maxWarnings    int      // vet -max-warnings; -1: any number
	dryRun         bool     // annotate -n
	args           []string // annotate's paths
	redis          string
	sync           bool // functions -redis, -sync
}

// run is main without the process: it parses args (without the program
// name), runs the command and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	name := "generate"
	if len(args) > 0 {
		switch a := args[0]; {
		case a == "-h" || a == "-help" || a == "--help" || a == "help":
			fmt.Fprint(stdout, usage)
			return exitOK
		case !strings.HasPrefix(a, "-"):
			name, args = a, args[1:]
		}
	}
	for _, cmd := range commands {
		if cmd.name == name {
			return cmd.parseAndRun(args, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "luagen: unknown command %q\nRun \"luagen -h\" for usage.\n", name)
	return exitUsage
}

func (cmd *command) parseAndRun(args []string, stdout, stderr io.Writer) int {
	c := &cli{stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("luagen "+cmd.name, flag.ContinueOnError)
	if cmd.name != "version" && cmd.name != "annotate" {
		fs.StringVar(&c.config, "f", "luagen.yaml", "path of the config `file`")
	}
	switch cmd.name {
	case "generate":
		fs.BoolVar(&c.verbose, "v", false, "list each file written or removed")
	case "init":
		fs.BoolVar(&c.verbose, "v", false, "list each file written")
	case "functions":
		fs.StringVar(&c.redis, "redis", "", "Redis `addresses`, comma-separated")
		fs.BoolVar(&c.sync, "sync", false, "replace the library on masters that hold another version or none")
	case "vet":
		fs.BoolVar(&c.json, "json", false, "print the findings as a JSON array of {file, line, col, severity, check, message} (and included_from inside an include) on stdout")
		fs.IntVar(&c.maxWarnings, "max-warnings", -1, "exit 1 when there are more than `n` warnings (-1: any number)")
	case "annotate":
		fs.BoolVar(&c.dryRun, "n", false, "print the headers it would write, and write nothing")
	}
	fs.Usage = func() {
		w := fs.Output()
		synopsis := "luagen " + cmd.name
		fs.VisitAll(func(f *flag.Flag) {
			synopsis += " [-" + f.Name
			if arg, _ := flag.UnquoteUsage(f); arg != "" {
				synopsis += " " + arg
			}
			synopsis += "]"
		})
		if cmd.args != "" {
			synopsis += " " + cmd.args
		}
		fmt.Fprintf(w, "usage: %s\n\n%s\n", synopsis, cmd.summary)
		if cmd.name != "version" {
			fmt.Fprintf(w, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	// The flag package prints usage itself on -h and on errors; collect it
	// so -h goes to stdout (it was asked for) and errors to stderr.
	var msg bytes.Buffer
	fs.SetOutput(&msg)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			stdout.Write(msg.Bytes())
			return exitOK
		}
		stderr.Write(msg.Bytes())
		return exitUsage
	}
	fs.SetOutput(stderr)
	c.args = fs.Args()
	if fs.NArg() > 0 && cmd.args == "" {
		fmt.Fprintf(stderr, "luagen %s: unexpected argument %q\n", cmd.name, fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	return cmd.run(c)
}

// Package corpus fetches real Redis Lua script libraries at test time, so
// luagen's tests can run against code it did not write: the scripts of
// github.com/hibiken/asynq (Go string literals in internal/rdb) and of the
// bullmq npm package (a folder of .lua commands and includes).
//
// Nothing fetched is part of the repository. Asynq and BullMQ download
// into a folder the caller owns (a test's temporary folder) through the
// ordinary clients: the go command via the Go module proxy, and npm.
// A fetch that fails (no network, registry down, client missing) returns
// a *FetchError; Skip turns it into a skipped test, or a failed one under
// CI=true.
//
// Flatten expands BullMQ's `--- @include` lines the way BullMQ does;
// Analyze, ParamDocs and LeadingComment describe how a script uses KEYS
// and ARGV and how it documents them (TestCorpusShape logs the tables;
// LUAGEN_CORPUS_REPORT=file writes them to a file too). TestCorpusGenerate
// adopts the scripts with headers written from that analysis, generates
// and builds their Go, and pins the vet findings left, each reviewed.
package corpus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Pinned versions: a new release must not change what the tests see.
const (
	AsynqModule   = "github.com/hibiken/asynq"
	AsynqVersion  = "v0.26.0"
	BullMQPackage = "bullmq"
	BullMQVersion = "6.7.0"
	// BullMQIntegrity is the npm registry's integrity string for
	// bullmq-6.7.0.tgz; the tarball is checked against it.
	BullMQIntegrity = "sha512-+LnKsqZ+PRV/Iul7T84qEZYOewsgtnnmTc3/TjXZk6dSaOeK68AuR/p8uzQ6WIQ8Jvf/GjitjsUrmTaRV2cfsQ=="
)

// Library names, as in Script.Library.
const (
	LibAsynq  = "asynq"
	LibBullMQ = "bullmq"
)

// Script is one Lua script of a fetched library.
type Script struct {
	Library string // LibAsynq or LibBullMQ
	// Name is unique within a library: for asynq the Go identifier in
	// snake case (enqueueCmd → "enqueue_cmd"); for BullMQ the file's path
	// below the commands folder without ".lua" ("addStandardJob-9",
	// "includes/addJobInTargetList"), which is how commands @include it.
	Name string
	// Path is the .lua file in the caller's folder. Its bytes are Source.
	Path   string
	Source string

	// Asynq only.
	GoIdent string // "enqueueCmd"
	GoFile  string // "internal/rdb/rdb.go", relative to the module
	GoLine  int    // line of the string literal's opening quote
	GoDoc   string // the Go doc comment of the declaration, comment markers removed

	// BullMQ only.
	Include bool // a file of commands/includes/, not a command
	// KeyCount is the number of KEYS from the command's file name
	// (addStandardJob-9.lua → 9); -1 for includes.
	KeyCount int
	// Includes are the direct `--- @include "path"` targets, in order, as
	// written ("includes/removeJob" in a command, "removeJob" in an
	// include); IncludeNames are the same resolved to Names.
	Includes     []string
	IncludeNames []string
	// Bundled is what BullMQ sends to Redis for a command: the script with
	// its includes flattened, as shipped in dist/cjs/scripts/NAME.js.
	// Empty for includes.
	Bundled string
}

// FetchError reports that a library could not be fetched: the registry
// could not be reached, refused the request, or the client is missing.
type FetchError struct {
	What   string // "github.com/hibiken/asynq@v0.26.0 from the Go module proxy"
	Cmd    string // the command line that failed
	Stderr string
	Err    error
}

func (e *FetchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "corpus: cannot fetch %s (is the registry reachable?): %s: %v", e.What, e.Cmd, e.Err)
	if s := strings.TrimSpace(e.Stderr); s != "" {
		b.WriteString("\n")
		b.WriteString(s)
	}
	return b.String()
}

func (e *FetchError) Unwrap() error { return e.Err }

// Skip handles the error of Asynq or BullMQ in a test: nil does nothing; a
// *FetchError skips the test, or fails it when the environment has
// CI=true (CI must not pass by skipping); any other error fails the test,
// since it is a bug in this package or a changed library, not the network.
func Skip(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var fe *FetchError
	if !errors.As(err, &fe) {
		t.Fatal(err)
	}
	if os.Getenv("CI") == "true" {
		t.Fatal(err)
	}
	t.Skip(err)
}

// run runs a fetching command in dir with extra environment and returns
// its standard output; any failure is a *FetchError.
func run(ctx context.Context, what, dir string, env []string, name string, args ...string) ([]byte, error) {
	cmdline := name + " " + strings.Join(args, " ")
	path, err := exec.LookPath(name)
	if err != nil {
		return nil, &FetchError{What: what, Cmd: cmdline, Err: err}
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		return stdout.Bytes(), &FetchError{What: what, Cmd: cmdline, Stderr: stderr.String(), Err: err}
	}
	return stdout.Bytes(), nil
}

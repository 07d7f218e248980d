package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/rueidis"

	"github.com/luagen/luagen/generator/library"
	"github.com/luagen/luagen/runtime"
	"github.com/luagen/luagen/runtime/luagenimpl"
)

// functions lists, for every package of the config with `library:`, which
// version of its Redis Functions library each node of -redis holds,
// against the one built from the scripts on disk; with -sync it replaces
// the library on every master that holds another one. It exits 1 when a
// node holds another version (after -sync: when a replacement failed).
func (c *cli) functions() int {
	if c.redis == "" {
		fmt.Fprintln(c.stderr, "luagen functions: -redis host:port[,host:port...] is required")
		return exitUsage
	}
	proj, _, ok := c.load()
	if !ok {
		return exitUsage
	}
	var libs []*runtime.Library
	for _, p := range proj.Packages {
		if p.Library != "" {
			l := library.Build(p)
			libs = append(libs, luagenimpl.NewLibrary(l.Name, l.Source, l.Version))
		}
	}
	if len(libs) == 0 {
		fmt.Fprintln(c.stderr, "luagen functions: no package of the config has library:")
		return exitUsage
	}
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: strings.Split(c.redis, ","), DisableCache: true})
	if err != nil {
		fmt.Fprintf(c.stderr, "luagen functions: %v\n", err)
		return exitUsage
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r := runtime.New(client)
	list := r.Versions
	if c.sync {
		list = r.Sync
	}
	vs, err := list(ctx, libs...)
	stale := 0
	for _, v := range vs {
		state := "current"
		switch {
		case v.Replaced:
			state = "replaced"
		case v.Current:
		case v.Version == "":
			state, stale = "missing", stale+1
		default:
			state, stale = "other", stale+1
		}
		if c.sync && v.Role != "master" && !v.Current {
			state += " (follows its master)"
		}
		version := v.Version
		if version == "" {
			version = "-"
		}
		fmt.Fprintf(c.stdout, "%s\t%s\t%s\t%s\t%s\n", v.Node, v.Role, v.Library, version, state)
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "luagen functions: %v\n", err)
		return exitFindings
	}
	if stale > 0 && !c.sync {
		fmt.Fprintf(c.stderr, "luagen functions: %s without the library built from the scripts on disk; run with -sync to load it\n", plural(stale, "node"))
		return exitFindings
	}
	return exitOK
}

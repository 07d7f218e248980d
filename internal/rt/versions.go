package rt

import (
	"errors"
	"fmt"
)

// VersionReply is a node's reply to a library's version function: the
// value, or the error, the error reply's text and whether it is a reply.
type VersionReply struct {
	Version string
	Err     error
	Msg     string
	IsReply bool
}

// NodeVersions reads what one node (at addr, in role as ROLE says) holds
// of libs from the replies to their version functions; with replace, it
// loads (by load) every library a master holds in another version or not
// at all. The errors name the library and the node.
func NodeVersions(addr, role string, libs []*Library, replies []VersionReply, replace bool, load func(*Library) error) ([]LibraryVersion, error) {
	out := make([]LibraryVersion, len(libs))
	var errs []error
	for i, l := range libs {
		v := LibraryVersion{Node: addr, Role: role, Library: l.Name()}
		rep := replies[i]
		switch {
		case rep.Err == nil:
			v.Version = rep.Version
		case rep.IsReply && IsFunctionNotFound(rep.Msg):
		case rep.IsReply:
			// A library of that name that luagen did not build (its
			// version function is missing or not read-only): another one.
			v.Version = "unknown"
		default:
			errs = append(errs, fmt.Errorf("luagen: reading the version of library %s on %s: %w", l.Name(), addr, rep.Err))
			out[i] = v
			continue
		}
		v.Current = v.Version == l.Version()
		if replace && !v.Current && role == "master" {
			if err := load(l); err != nil {
				errs = append(errs, fmt.Errorf("luagen: loading library %s on %s: %w", l.Name(), addr, err))
			} else {
				v.Replaced = true
			}
		}
		out[i] = v
	}
	return out, errors.Join(errs...)
}

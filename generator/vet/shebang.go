package vet

import (
	"strings"

	"github.com/luagen/luagen/generator/diag"
)

// shebangFlags returns the flags of a "#!lua flags=a,b" line. Whether they
// are valid is generator/parse's to say.
func shebangFlags(line string) []string {
	for _, f := range strings.Fields(line) {
		if list, ok := strings.CutPrefix(f, "flags="); ok && list != "" {
			return strings.Split(list, ",")
		}
	}
	return nil
}

// checkShebang warns about no-cluster. generator/parse already refuses
// unknown engines, options and flags, and readonly: true without
// no-writes; what is left is a flag that is valid but defeats the runtime:
// Redis refuses to run a no-cluster script on a cluster node.
func (v *vetter) checkShebang(flags []string) {
	for _, f := range flags {
		if f != "no-cluster" {
			continue
		}
		col := strings.Index(v.script.Shebang, "no-cluster") + 1
		v.report(diag.Warning, diag.NoCluster, 1, col, "flags=no-cluster: Redis refuses to run this script on a cluster (%q), and luagen's callers may use one; drop the flag unless this package never targets a cluster", "Can not run script on cluster, 'no-cluster' flag is set")
	}
}

package main

import (
	"strings"
	"testing"

	"github.com/luagen/luagen/internal/redistest"
)

// TestFunctions runs `luagen functions` on a real server against the
// inventory example (library: inventory): missing, -sync, current, and
// another version on the node.
func TestFunctions(t *testing.T) {
	sa := redistest.NewStandalone(t)
	dir := "../../examples/inventory"
	code, out, errOut := runIn(t, dir, "functions", "-redis", sa.Addr())
	if code != exitFindings || !strings.Contains(out, "\tmaster\tinventory\t-\tmissing") || !strings.Contains(errOut, "1 node without the library") {
		t.Fatalf("on an empty server: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runIn(t, dir, "functions", "-sync", "-redis", sa.Addr())
	if code != exitOK || !strings.Contains(out, "\treplaced") {
		t.Fatalf("-sync: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runIn(t, dir, "functions", "-redis", sa.Addr())
	if code != exitOK || !strings.HasSuffix(out, "\tcurrent\n") {
		t.Fatalf("after -sync: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := sa.Do("FUNCTION", "LOAD", "REPLACE", "#!lua name=inventory\nredis.register_function{function_name='luagen_version_inventory', callback=function() return 'old' end, flags={'no-writes'}}"); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runIn(t, dir, "functions", "-redis", sa.Addr())
	if code != exitFindings || !strings.Contains(out, "\tinventory\told\tother") {
		t.Fatalf("with another version: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut = runIn(t, dir, "functions"); code != exitUsage || !strings.Contains(errOut, "-redis") {
		t.Fatalf("without -redis: exit %d\n%s%s", code, out, errOut)
	}
}

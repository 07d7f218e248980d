package runtime_test

import (
	"testing"

	"github.com/luagen/luagen/internal/conformance"
)

// TestFault runs the fault suite (internal/conformance.RunFault: SCRIPT
// FLUSH, coordinated failover, killed master, slot migration and node
// restarts under continuous write load, every call's effect read back from
// Redis) on the rueidis backend.
func TestFault(t *testing.T) { conformance.RunFault(t, rueidisBackend{}) }

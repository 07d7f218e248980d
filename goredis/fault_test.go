package goredis_test

import (
	"testing"

	"github.com/luagen/luagen/internal/conformance"
)

// TestFault runs the fault suite (internal/conformance.RunFault: SCRIPT
// FLUSH, coordinated failover, killed master, slot migration and node
// restarts under continuous write load, every call's effect read back from
// Redis, the same suite package runtime runs on rueidis) on this backend.
func TestFault(t *testing.T) { conformance.RunFault(t, goredisBackend{}) }

//go:build race

package runtime_test

// raceEnabled: under the race detector sync.Pool drops items at random, so
// allocation counts say nothing.
const raceEnabled = true

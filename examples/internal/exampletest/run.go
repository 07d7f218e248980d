package exampletest

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
)

// Run runs an example on every deployment: its run function on the rueidis
// client, twice (the second run starts from the first run's state), then
// its go-redis twin on the go-redis client, twice. Every run's output must
// contain every line of want, and each go-redis run must print exactly
// what the rueidis run of the same round printed.
func Run(t *testing.T,
	run func(context.Context, rueidis.Client, io.Writer) error,
	runGoRedis func(context.Context, redis.UniversalClient, io.Writer) error,
	want []string,
) {
	for _, d := range Deployments(t) {
		t.Run(d.Name, func(t *testing.T) {
			var rueidisOut [2]string
			t.Run("rueidis", func(t *testing.T) {
				for round := range 2 {
					rueidisOut[round] = runChecked(t, round, want, func(ctx context.Context, w io.Writer) error {
						return run(ctx, d.Client, w)
					})
				}
			})
			t.Run("go-redis", func(t *testing.T) {
				for round := range 2 {
					out := runChecked(t, round, want, func(ctx context.Context, w io.Writer) error {
						return runGoRedis(ctx, d.GoRedis, w)
					})
					if rueidisOut[round] != "" && out != rueidisOut[round] {
						t.Errorf("round %d: go-redis printed\n%s\nrueidis printed\n%s", round, out, rueidisOut[round])
					}
				}
			})
		})
	}
}

// runChecked runs one round and checks that its output has every line of
// want; it returns the output.
func runChecked(t *testing.T, round int, want []string, run func(context.Context, io.Writer) error) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, &out); err != nil {
		t.Fatalf("round %d: %v\n%s", round, err, out.String())
	}
	for _, line := range want {
		if !strings.Contains(out.String(), line) {
			t.Fatalf("round %d: output lacks %q:\n%s", round, line, out.String())
		}
	}
	return out.String()
}

package exampletest

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/redis/rueidis"
)

// Run runs an example's run function on every deployment, twice each (the
// second run starts from the first run's state), and checks that its
// output contains every line of want.
func Run(t *testing.T, run func(context.Context, rueidis.Client, io.Writer) error, want []string) {
	for _, d := range Deployments(t) {
		t.Run(d.Name, func(t *testing.T) {
			for round := range 2 {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				var out bytes.Buffer
				err := run(ctx, d.Client, &out)
				cancel()
				if err != nil {
					t.Fatalf("round %d: %v\n%s", round, err, out.String())
				}
				for _, line := range want {
					if !strings.Contains(out.String(), line) {
						t.Fatalf("round %d: output lacks %q:\n%s", round, line, out.String())
					}
				}
			}
		})
	}
}

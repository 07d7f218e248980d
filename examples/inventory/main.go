// Command inventory reserves stock for many orders at once: one pipeline of
// all-or-nothing reservations (a script with variadic keys and args) over
// several warehouses, then a read-only script for the stock levels: package
// stock (a Functions library) on a rueidis client (the default), or its twin
// goredisstock (plain scripts, see luagen.yaml) on a go-redis client,
// printing the same.
//
//	go run ./examples/inventory                  # on an embedded Redis
//	go run ./examples/inventory -client go-redis # the same with go-redis
//	go run ./examples/inventory -redis 127.0.0.1:7000
package main

//go:generate go run github.com/luagen/luagen/cmd/luagen generate

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/luagen/luagen/examples/internal/connect"
	"github.com/luagen/luagen/examples/inventory/stock"
	"github.com/luagen/luagen/runtime"
	"github.com/redis/rueidis"
)

func main() {
	addr := flag.String("redis", "", "Redis `host:port` (comma-separated seeds for a cluster); empty starts an embedded Redis")
	client := flag.String("client", "rueidis", "Redis client the bindings run on: `rueidis` or go-redis")
	flag.Parse()
	if err := connectAndRun(*client, *addr); err != nil {
		fmt.Fprintln(os.Stderr, "inventory:", err)
		os.Exit(1)
	}
}

// connectAndRun connects with the chosen client and runs the example on it.
func connectAndRun(client, addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	switch client {
	case "rueidis":
		c, desc, closeAll, err := connect.Open(addr)
		if err != nil {
			return err
		}
		defer closeAll()
		fmt.Println("using", desc, "with rueidis")
		return run(ctx, c, os.Stdout)
	case "go-redis":
		c, desc, closeAll, err := connect.OpenGoRedis(addr)
		if err != nil {
			return err
		}
		defer closeAll()
		fmt.Println("using", desc, "with go-redis")
		return runGoRedis(ctx, c, os.Stdout)
	}
	return fmt.Errorf("-client %q: want rueidis or go-redis", client)
}

var (
	warehouses = []string{"berlin", "lyon", "porto", "oslo"}
	products   = []string{"kettle", "teapot", "mug"}
)

// itemKey names a stock counter. The warehouse is the hash tag, so one
// order's items live in one slot and a reservation may touch them all.
func itemKey(warehouse, product string) string {
	return "{wh:" + warehouse + "}:stock:" + product
}

func run(ctx context.Context, client rueidis.Client, w io.Writer) error {
	// Check slots even on a standalone server, so mistakes show before
	// production runs on a cluster.
	inv := stock.New(client, runtime.WithSlotCheck(true))
	p := inv.Pipeline()

	// Stock every warehouse with plain commands in the same pipeline.
	for _, wh := range warehouses {
		for i, prod := range products {
			p.Batch().Do(client.B().Set().Key(itemKey(wh, prod)).Value(strconv.Itoa(40 + 10*i)).Build())
		}
	}
	// 300 orders, each for 2 kettles, 1 teapot and 3 mugs from one warehouse.
	type order struct {
		warehouse string
		result    runtime.Future[stock.ReserveResult]
	}
	orders := make([]order, 300)
	for i := range orders {
		wh := warehouses[i%len(warehouses)]
		items := []string{itemKey(wh, "kettle"), itemKey(wh, "teapot"), itemKey(wh, "mug")}
		orders[i] = order{warehouse: wh, result: p.Reserve(items, 2, 1, 3)}
	}
	if err := p.Exec(ctx); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nstocked %d warehouses and placed %d orders in one pipeline (%d calls)\n", len(warehouses), len(orders), p.Batch().Len())

	reserved := map[string]int{}
	short := map[string]int{}
	for _, o := range orders {
		res, err := o.result.Get()
		if err != nil {
			return err
		}
		if res.Reserved {
			reserved[o.warehouse]++
		} else {
			for _, item := range res.Short {
				short[item]++
			}
		}
	}
	for _, wh := range warehouses {
		levels, err := inv.Levels(ctx, itemKey(wh, "kettle"), itemKey(wh, "teapot"), itemKey(wh, "mug"))
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-7s %2d orders reserved; left: %2d kettles, %2d teapots, %2d mugs; short: kettle %d, teapot %d, mug %d\n",
			wh, reserved[wh], levels[0], levels[1], levels[2],
			short[itemKey(wh, "kettle")], short[itemKey(wh, "teapot")], short[itemKey(wh, "mug")])
	}

	// Items of two warehouses in one call cannot work on a cluster: luagen
	// says so before sending anything.
	if _, err := inv.Reserve(ctx, []string{itemKey("berlin", "mug"), itemKey("lyon", "mug")}, 1, 1); err != nil {
		fmt.Fprintf(w, "\nmixing warehouses in one call: %v\n", err)
	}
	return nil
}

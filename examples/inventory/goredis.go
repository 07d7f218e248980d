package main

import (
	"context"
	"fmt"
	"io"

	"github.com/luagen/luagen/examples/inventory/goredisstock"
	"github.com/luagen/luagen/goredis"
	"github.com/redis/go-redis/v9"
)

// runGoRedis is run on a go-redis client: the same steps through
// goredisstock, the go-redis twin of package stock, and go-redis plain
// commands.
func runGoRedis(ctx context.Context, client redis.UniversalClient, w io.Writer) error {
	// Check slots even on a standalone server, so mistakes show before
	// production runs on a cluster.
	inv := goredisstock.New(client, goredis.WithSlotCheck(true))
	p := inv.Pipeline()

	// Stock every warehouse with plain commands in the same pipeline.
	for _, wh := range warehouses {
		for i, prod := range products {
			p.Batch().Do("SET", itemKey(wh, prod), 40+10*i)
		}
	}
	// 300 orders, each for 2 kettles, 1 teapot and 3 mugs from one warehouse.
	type order struct {
		warehouse string
		result    goredis.Future[goredisstock.ReserveResult]
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

package main

import (
	"math/rand/v2"
	"strconv"

	"github.com/luagen/luagen/bench/internal/gen"
	"github.com/luagen/luagen/runtime/luagenimpl"
)

// The workload: take one token from a bucket that starts with a billion,
// so every call is allowed and every reply is {1, tokens left}.
const (
	takeN       = 1
	capacity    = 1_000_000_000
	takeStr     = "1"
	capacityStr = "1000000000"
)

// scriptSpec is one size of the token-bucket script. Every method of a
// scenario sends the same bytes: the luagen file with string params (its
// header is a Lua comment), so EVAL costs the same for everyone. The typed
// variant differs only in its header (int64 params) and is used by the
// luagen int64 pipeline.
type scriptSpec struct {
	label    string
	src, sha string
	typedSrc string
	typedSHA string
}

var scriptSizes = map[string]scriptSpec{
	"small": {label: "small", src: gen.TakeTokensSource, sha: gen.TakeTokensSHA1, typedSrc: gen.TakeTokensTypedSource, typedSHA: gen.TakeTokensTypedSHA1},
	"4k":    {label: "4 KB", src: gen.TakeTokensDocSource, sha: gen.TakeTokensDocSHA1, typedSrc: gen.TakeTokensDocTypedSource, typedSHA: gen.TakeTokensDocTypedSHA1},
}

const (
	nslots   = 16384
	slotMask = nslots - 1
)

// slotOrder is every slot once, in a fixed random order: consecutive calls
// (and so every batch) spread over all nodes, as real keys do.
var slotOrder = func() []int {
	return rand.New(rand.NewPCG(1, 2)).Perm(nslots)
}()

// slotTags[s] is a short hash tag whose slot is s.
var slotTags = func() []string {
	tags := make([]string, nslots)
	left := nslots
	for n := 0; left > 0; n++ {
		t := strconv.Itoa(n)
		if s := luagenimpl.Slot(t); tags[s] == "" {
			tags[s] = t
			left--
		}
	}
	return tags
}()

// keyset is one method's keys in one scenario: pair i is
// "{tag}:lgb:<ns>:bucket" and "{tag}:lgb:<ns>:log" for the i-th slot of
// slotOrder, so both keys of a call share a slot and the method's calls
// cover every slot.
type keyset [nslots][2]string

func newKeyset(ns string) *keyset {
	ks := new(keyset)
	for i, s := range slotOrder {
		prefix := "{" + slotTags[s] + "}:lgb:" + ns + ":"
		ks[i] = [2]string{prefix + "bucket", prefix + "log"}
	}
	return ks
}

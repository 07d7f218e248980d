package luasrc

import (
	"math"
	"strconv"
	"strings"
)

// Numeral converts a Lua 5.1 numeral, as gopher-lua's NumberExpr holds it:
// decimal, or a hexadecimal integer. NaN is not a numeral.
func Numeral(s string) (float64, bool) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		v, err := strconv.ParseUint(s[2:], 16, 64)
		return float64(v), err == nil
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && !math.IsNaN(v)
}

package rt

import (
	"encoding/json"
	"strconv"
	"time"
)

// The Format functions are the wire encoding of each luagen arg type. Lua
// reads them with tonumber(); booleans are "1" and "0" so that
// `ARGV[n] == '1'` is the test.

// FormatInt64 encodes an int64 in decimal.
func FormatInt64(v int64) string { return strconv.FormatInt(v, 10) }

// FormatInt encodes an int in decimal.
func FormatInt(v int) string { return strconv.Itoa(v) }

// FormatUint64 encodes a uint64 in decimal.
func FormatUint64(v uint64) string { return strconv.FormatUint(v, 10) }

// FormatFloat64 encodes a float64 in the shortest form that reads back
// exactly ("0.5", "1e+21"); tonumber() accepts all of them.
func FormatFloat64(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// FormatBool encodes true as "1" and false as "0".
func FormatBool(v bool) string {
	if v {
		return "1"
	}
	return "0"
}

// FormatDuration encodes a duration as whole milliseconds (truncated).
func FormatDuration(v time.Duration) string { return strconv.FormatInt(v.Milliseconds(), 10) }

// FormatTime encodes a time as Unix milliseconds.
func FormatTime(v time.Time) string { return strconv.FormatInt(v.UnixMilli(), 10) }

// FormatBytes copies b into a string, so later changes to b do not reach a
// queued call.
func FormatBytes(b []byte) string { return string(b) }

// FormatJSON encodes v with encoding/json; scripts read it with cjson.decode.
func FormatJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

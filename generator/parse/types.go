package parse

import (
	"fmt"
	"strings"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/model"
)

// typeAliases are names people reach for from other languages, mapped to
// the luagen type they most likely mean. They only feed "did you mean".
var typeAliases = map[string]model.Type{
	"integer": model.TypeInt64, "long": model.TypeInt64, "number": model.TypeFloat64,
	"float": model.TypeFloat64, "double": model.TypeFloat64, "float32": model.TypeFloat64,
	"uint": model.TypeUint64, "boolean": model.TypeBool, "str": model.TypeString,
	"text": model.TypeString, "bytes": model.TypeBytes, "binary": model.TypeBytes,
	"blob": model.TypeBytes, "duration": model.TypeDuration, "ms": model.TypeDuration,
	"time": model.TypeTime, "timestamp": model.TypeTime, "datetime": model.TypeTime,
	"map": model.TypeStringMap, "hash": model.TypeStringMap, "dict": model.TypeStringMap,
	"list": model.TypeStrings, "array": model.TypeStrings, "strings": model.TypeStrings,
	"ints": model.TypeInt64s, "[]int": model.TypeInt64s, "nil": model.TypeNone,
	"null": model.TypeNone, "void": model.TypeNone, "nothing": model.TypeNone,
	"object": model.TypeJSON, "any": model.TypeJSON, "interface{}": model.TypeJSON,
	"table": model.TypeStruct, "tuple": model.TypeStruct, "reply": model.TypeRaw,
	"message": model.TypeRaw,
}

// resolveType checks a type name against the types allowed where it is
// used. what names the place in messages ("arg", "result", "field").
func resolveType(name string, allowed []model.Type, what string) (model.Type, string) {
	t := model.Type(name)
	if containsType(allowed, t) {
		return t, ""
	}
	list := typeList(allowed)
	if isKnownType(t) {
		return "", fmt.Sprintf("%s type %q is not allowed; allowed: %s", what, name, list)
	}
	return "", fmt.Sprintf("unknown %s type %q; allowed: %s%s", what, name, list, diag.DidYouMean(typeHint(name, allowed)))
}

func typeHint(name string, allowed []model.Type) string {
	if t, ok := typeAliases[strings.ToLower(name)]; ok && containsType(allowed, t) {
		return string(t)
	}
	names := make([]string, len(allowed))
	for i, t := range allowed {
		names[i] = string(t)
	}
	return diag.Suggest(name, names)
}

func isKnownType(t model.Type) bool {
	return containsType(model.ArgTypes, t) || containsType(model.ResultTypes, t)
}

func containsType(list []model.Type, t model.Type) bool {
	for _, x := range list {
		if x == t {
			return true
		}
	}
	return false
}

func typeList(list []model.Type) string {
	s := make([]string, len(list))
	for i, t := range list {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

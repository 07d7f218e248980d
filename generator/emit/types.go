package emit

import (
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/luagen/luagen/generator/model"
)

// Import paths of the packages generated code uses. Names are fixed with
// ImportName so jennifer never aliases them.
const (
	runtimePath = "github.com/luagen/luagen/runtime"
	implPath    = "github.com/luagen/luagen/runtime/luagenimpl"
	rueidisPath = "github.com/redis/rueidis"

	goredisPath     = "github.com/luagen/luagen/goredis"
	goredisImplPath = "github.com/luagen/luagen/goredis/luagenimpl"
	goRedisPath     = "github.com/redis/go-redis/v9" // package redis
)

// backend is the Redis client a generated package is written for: the
// runtime package its code calls (same names for every client), the
// client New takes, and how a reply looks before it is decoded. Only
// these differ between clients; the generated API keeps its shape.
type backend struct {
	runtimePath, runtimeName string // the runtime users see: Runner, Batch, Future, ...
	implPath                 string // what only generated code calls, package luagenimpl
	clientPath, clientName   string // the client's package and its name
	clientType               string // the type New takes, in the client's package
	// message is the type of an undecoded reply in the client's package
	// ("RedisMessage"); "" for any.
	message string
	newDoc  string // the doc of New
	// names are what generated methods refer to besides their parameters
	// (receivers, ctx, err, the imported packages); parameters and
	// unexported helpers avoid them.
	names []string
}

var (
	rueidisBackend = &backend{
		runtimePath: runtimePath, runtimeName: "runtime", implPath: implPath,
		clientPath: rueidisPath, clientName: "rueidis", clientType: "Client", message: "RedisMessage",
		newDoc: "New returns the scripts bound to client (standalone, sentinel or cluster).",
		names:  methodNames,
	}
	goRedisBackend = &backend{
		runtimePath: goredisPath, runtimeName: "goredis", implPath: goredisImplPath,
		clientPath: goRedisPath, clientName: "redis", clientType: "UniversalClient",
		newDoc: "New returns the scripts bound to client: a go-redis client, failover (Sentinel) client or cluster client.",
		names:  goRedisMethodNames,
	}
)

// backendOf is the backend of pkg's client: luagen.yaml's client:, rueidis
// unless it says go-redis.
func backendOf(pkg *model.Package) *backend {
	if pkg.Client == model.ClientGoRedis {
		return goRedisBackend
	}
	return rueidisBackend
}

// importNames fixes the names of the packages f may import.
func (b *backend) importNames(f *jen.File) {
	f.ImportName(b.runtimePath, b.runtimeName)
	f.ImportName(b.implPath, "luagenimpl")
	f.ImportName(b.clientPath, b.clientName)
}

// client is the type New takes: rueidis.Client, redis.UniversalClient.
func (b *backend) client() atom {
	return atom{jen.Qual(b.clientPath, b.clientType), cols(b.clientName) + 1 + cols(b.clientType)}
}

// messageType is an undecoded reply, the parameter of decoders and the
// raw result type: rueidis.RedisMessage, or any.
func (b *backend) messageType() atom {
	if b.message == "" {
		return ident("any")
	}
	return atom{jen.Qual(b.clientPath, b.message), cols(b.clientName) + 1 + cols(b.message)}
}

// goType is the Go type of a luagen scalar, slice or map type (not struct or
// none, which depend on the script).
func (b *backend) goType(t model.Type) (atom, bool) {
	switch t {
	case model.TypeString:
		return ident("string"), true
	case model.TypeBytes:
		return sliceOf(ident("byte")), true
	case model.TypeInt64:
		return ident("int64"), true
	case model.TypeInt:
		return ident("int"), true
	case model.TypeUint64:
		return ident("uint64"), true
	case model.TypeFloat64:
		return ident("float64"), true
	case model.TypeBool:
		return ident("bool"), true
	case model.TypeDuration:
		return qual("time", "Duration"), true
	case model.TypeTime:
		return qual("time", "Time"), true
	case model.TypeJSON:
		return ident("any"), true
	case model.TypeStrings:
		return sliceOf(ident("string")), true
	case model.TypeInt64s:
		return sliceOf(ident("int64")), true
	case model.TypeStringMap:
		return atom{jen.Map(jen.String()).String(), len("map[string]string")}, true
	case model.TypeRaw:
		return b.messageType(), true
	}
	return atom{}, false
}

// encoders name the runtime function that puts an arg of each type on the
// wire. TypeString needs none; TypeJSON's encoder can fail.
var encoders = map[model.Type]string{
	model.TypeBytes:    "FormatBytes",
	model.TypeInt64:    "FormatInt64",
	model.TypeInt:      "FormatInt",
	model.TypeUint64:   "FormatUint64",
	model.TypeFloat64:  "FormatFloat64",
	model.TypeBool:     "FormatBool",
	model.TypeDuration: "FormatDuration",
	model.TypeTime:     "FormatTime",
	model.TypeJSON:     "FormatJSON",
}

// decoders name the runtime Decoder of each non-struct result type.
var decoders = map[model.Type]string{
	model.TypeNone:      "DecodeNone",
	model.TypeString:    "DecodeString",
	model.TypeBytes:     "DecodeBytes",
	model.TypeInt64:     "DecodeInt64",
	model.TypeInt:       "DecodeInt",
	model.TypeUint64:    "DecodeUint64",
	model.TypeFloat64:   "DecodeFloat64",
	model.TypeBool:      "DecodeBool",
	model.TypeDuration:  "DecodeDuration",
	model.TypeTime:      "DecodeTime",
	model.TypeStrings:   "DecodeStrings",
	model.TypeInt64s:    "DecodeInt64s",
	model.TypeStringMap: "DecodeStringMap",
	model.TypeRaw:       "DecodeRaw",
}

// readerOf names the runtime Reader of type t, which reads a struct field
// in place (DecodeX's ReadX).
func readerOf(t model.Type) string {
	return "Read" + strings.TrimPrefix(decoders[t], "Decode")
}

// nilable reports whether a nil reply already has a natural Go form for t
// (a nil slice or map, or the nil reply itself: a nil RedisMessage or any), so a nullable result
// of that type needs no pointer.
func nilable(t model.Type) bool {
	switch t {
	case model.TypeStrings, model.TypeInt64s, model.TypeStringMap, model.TypeRaw:
		return true
	}
	return false
}

// zeroValue is the literal returned with an error before a call is made.
func (b *backend) zeroValue(t model.Type) atom {
	switch t {
	case model.TypeString:
		return strLit("")
	case model.TypeInt64, model.TypeInt, model.TypeUint64, model.TypeFloat64, model.TypeDuration:
		return intLit(0)
	case model.TypeBool:
		return boolLit(false)
	case model.TypeTime:
		return literal(qual("time", "Time"))
	case model.TypeRaw:
		if b.message != "" {
			return literal(b.messageType())
		}
	}
	return ident("nil") // []byte, slices, maps
}

// literal is the empty composite literal of t: t{}.
func literal(t atom) atom { return atom{t.code.Values(), t.w + 2} }

// runtimeNames are the runtime names generated code uses that its users
// see too (in the generated API); rt finds every other name, which only
// generated code calls, in luagenimpl.
var runtimeNames = map[string]bool{"Runner": true, "Option": true, "New": true, "Script": true, "Library": true, "Batch": true, "Future": true}

// rt refers to a runtime name: in the runtime package when users see it,
// else in its luagenimpl.
func (b *backend) rt(name string) *jen.Statement {
	if runtimeNames[name] {
		return jen.Qual(b.runtimePath, name)
	}
	return jen.Qual(b.implPath, name)
}

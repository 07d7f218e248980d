// Command gencommands writes the Redis command table that luagen vet checks
// scripts against: every command's arity, the flags vet needs, where its
// keys are (from the key specs of Redis 7's COMMAND reply), its
// subcommands, and the global names a script may use. It is a dev tool, run
// from generator/vet by
//
//	go generate ./generator/vet
//
// which starts a throwaway redis-server (found on PATH, or -server) on a
// Unix socket, or talks to a running one with -addr. Output is sorted and
// one command per line, so a refresh shows up as a readable diff.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	out := flag.String("o", "commands.json", "output `file`")
	addr := flag.String("addr", "", "`host:port` of a running Redis 7 server (default: start one)")
	server := flag.String("server", "redis-server", "redis-server `binary` to start when -addr is not set")
	flag.Parse()
	if err := run(*out, *addr, *server); err != nil {
		fmt.Fprintln(os.Stderr, "gencommands:", err)
		os.Exit(1)
	}
}

func run(out, addr, server string) error {
	network := "tcp"
	if addr == "" {
		dir, err := os.MkdirTemp("", "gencommands-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		stop, sock, err := startServer(server, dir)
		if err != nil {
			return err
		}
		defer stop()
		network, addr = "unix", sock
	}
	c, err := dial(network, addr)
	if err != nil {
		return err
	}
	defer c.nc.Close()
	t, err := readTable(c)
	if err != nil {
		return err
	}
	return os.WriteFile(out, t.encode(), 0o644)
}

// startServer runs redis-server without persistence on a Unix socket in dir
// and returns a function that stops it.
func startServer(bin, dir string) (stop func(), sock string, err error) {
	sock = filepath.Join(dir, "redis.sock")
	cmd := exec.Command(bin, "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no", "--dir", dir)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	stop = func() {
		cmd.Process.Kill()
		cmd.Wait()
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := dial("unix", sock); err == nil {
			c.nc.Close()
			return stop, sock, nil
		}
	}
	stop()
	return nil, "", fmt.Errorf("%s did not start:\n%s", bin, logs.String())
}

// table is the file's content. Field order is the JSON order.
type table struct {
	Redis    string     `json:"redis"`
	Globals  []string   `json:"globals"`
	Commands []*command `json:"commands"`
}

type command struct {
	Name        string     `json:"name"` // lower case; a subcommand without its container's name
	Arity       int        `json:"arity"`
	Flags       []string   `json:"flags,omitempty"`
	Keys        []*keySpec `json:"keys,omitempty"`
	Subcommands []*command `json:"subcommands,omitempty"`
}

// keySpec is one Redis key spec whose begin_search and find_keys types are
// known; see https://redis.io/docs/reference/key-specs/.
type keySpec struct {
	Index     int    `json:"index,omitempty"`     // begin_search index
	Keyword   string `json:"keyword,omitempty"`   // begin_search keyword ...
	StartFrom int    `json:"startfrom,omitempty"` // ... searched from here
	Find      string `json:"find"`                // "range" or "keynum"
	LastKey   int    `json:"lastkey,omitempty"`   // range
	Limit     int    `json:"limit,omitempty"`     // range
	KeyNumIdx int    `json:"keynumidx,omitempty"` // keynum
	FirstKey  int    `json:"firstkey,omitempty"`  // keynum
	Step      int    `json:"step"`
}

// keptFlags are the command flags vet uses: writes (may_replicate counts as
// one in read-only scripts) and commands scripts may not call.
var keptFlags = []string{"may_replicate", "noscript", "write"}

// mayReplicate are the commands scripts may call that carry Redis's
// may_replicate flag, which COMMAND hides on purpose (server.c,
// addReplyCommandFlags) but read-only scripts refuse like a write. The
// list comes from Redis 7's src/commands/*.json; readTable checks each
// against the server.
var mayReplicate = []string{"pfcount", "publish", "spublish"}

// globalsScript lists the global names a script sees and the fields of the
// library tables among them.
const globalsScript = `
local out = {}
for k, v in pairs(_G) do
  if type(k) == 'string' then
    out[#out + 1] = k
    if type(v) == 'table' and k ~= '_G' and k ~= 'KEYS' and k ~= 'ARGV' then
      for f in pairs(v) do
        if type(f) == 'string' then out[#out + 1] = k .. '.' .. f end
      end
    end
  end
end
return out`

func readTable(c *conn) (*table, error) {
	info, err := c.do("INFO", "server")
	if err != nil {
		return nil, err
	}
	t := &table{}
	for _, line := range strings.Split(str(info), "\r\n") {
		if v, ok := strings.CutPrefix(line, "redis_version:"); ok {
			t.Redis = v
		}
	}
	if !strings.HasPrefix(t.Redis, "7.") {
		return nil, fmt.Errorf("need Redis 7 (its key specs and COMMAND reply), got %q", t.Redis)
	}
	globals, err := c.do("EVAL", globalsScript, "0")
	if err != nil {
		return nil, err
	}
	for _, g := range arr(globals) {
		t.Globals = append(t.Globals, str(g))
	}
	slices.Sort(t.Globals)
	reply, err := c.do("COMMAND")
	if err != nil {
		return nil, err
	}
	for _, e := range arr(reply) {
		cmd, err := parseCommand(e)
		if err != nil {
			return nil, err
		}
		t.Commands = append(t.Commands, cmd)
	}
	sortCommands(t.Commands)
	for _, name := range mayReplicate {
		if err := checkMayReplicate(c, name); err != nil {
			return nil, err
		}
		i := slices.IndexFunc(t.Commands, func(c *command) bool { return c.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("%s: no such command", name)
		}
		t.Commands[i].Flags = append(t.Commands[i].Flags, "may_replicate")
		slices.Sort(t.Commands[i].Flags)
	}
	return t, nil
}

// checkMayReplicate makes sure a read-only script may not call the
// command. Redis refuses it before running it, so nothing changes.
func checkMayReplicate(c *conn, name string) error {
	script := fmt.Sprintf("return redis.pcall('%s', KEYS[1], 'x')", name)
	if name == "pfcount" {
		script = "return redis.pcall('pfcount', KEYS[1])"
	}
	reply, err := c.do("EVAL_RO", script, "1", "gencommands:probe")
	if err == nil {
		err = fmt.Errorf("%v", reply)
	}
	if !strings.Contains(err.Error(), "Write commands are not allowed from read-only scripts") {
		return fmt.Errorf("%s: expected a read-only script to be refused it, got %v", name, err)
	}
	return nil
}

func sortCommands(cmds []*command) {
	slices.SortFunc(cmds, func(a, b *command) int { return strings.Compare(a.Name, b.Name) })
	for _, c := range cmds {
		sortCommands(c.Subcommands)
	}
}

// parseCommand reads one entry of the COMMAND reply: name, arity, flags,
// first key, last key, step, ACL categories, tips, key specs, subcommands.
func parseCommand(v any) (*command, error) {
	a := arr(v)
	if len(a) < 10 {
		return nil, fmt.Errorf("COMMAND entry with %d fields; need Redis 7", len(a))
	}
	name := strings.ToLower(str(a[0]))
	if _, sub, ok := strings.Cut(name, "|"); ok {
		name = sub
	}
	c := &command{Name: name, Arity: int(num(a[1]))}
	for _, f := range arr(a[2]) {
		if slices.Contains(keptFlags, str(f)) {
			c.Flags = append(c.Flags, str(f))
		}
	}
	slices.Sort(c.Flags)
	for _, s := range arr(a[8]) {
		if k := parseKeySpec(pairs(s)); k != nil {
			c.Keys = append(c.Keys, k)
		}
	}
	for _, s := range arr(a[9]) {
		sub, err := parseCommand(s)
		if err != nil {
			return nil, err
		}
		c.Subcommands = append(c.Subcommands, sub)
	}
	return c, nil
}

// parseKeySpec returns nil for specs vet cannot follow (begin_search or
// find_keys of type unknown) and for arguments that are not keys.
func parseKeySpec(m map[string]any) *keySpec {
	if slices.ContainsFunc(arr(m["flags"]), func(f any) bool { return str(f) == "not_key" }) {
		return nil
	}
	k := &keySpec{}
	begin, find := pairs(m["begin_search"]), pairs(m["find_keys"])
	bs, fs := pairs(begin["spec"]), pairs(find["spec"])
	switch str(begin["type"]) {
	case "index":
		k.Index = int(num(bs["index"]))
	case "keyword":
		k.Keyword, k.StartFrom = str(bs["keyword"]), int(num(bs["startfrom"]))
	default:
		return nil
	}
	switch k.Find = str(find["type"]); k.Find {
	case "range":
		k.LastKey, k.Step, k.Limit = int(num(fs["lastkey"])), int(num(fs["keystep"])), int(num(fs["limit"]))
	case "keynum":
		k.KeyNumIdx, k.FirstKey, k.Step = int(num(fs["keynumidx"])), int(num(fs["firstkey"])), int(num(fs["keystep"]))
	default:
		return nil
	}
	return k
}

// encode writes the table as JSON with one command per line.
func (t *table) encode() []byte {
	var b bytes.Buffer
	redis, _ := json.Marshal(t.Redis)
	globals, _ := json.Marshal(t.Globals)
	fmt.Fprintf(&b, "{\"redis\":%s,\n\"globals\":%s,\n\"commands\":[\n", redis, globals)
	for i, c := range t.Commands {
		line, _ := json.Marshal(c)
		b.Write(line)
		if i < len(t.Commands)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

// conn is a minimal RESP2 client: enough for three commands.
type conn struct {
	nc net.Conn
	r  *bufio.Reader
}

func dial(network, addr string) (*conn, error) {
	nc, err := net.DialTimeout(network, addr, time.Second)
	if err != nil {
		return nil, err
	}
	return &conn{nc: nc, r: bufio.NewReader(nc)}, nil
}

func (c *conn) do(args ...string) (any, error) {
	c.nc.SetDeadline(time.Now().Add(10 * time.Second))
	var b bytes.Buffer
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := c.nc.Write(b.Bytes()); err != nil {
		return nil, err
	}
	return c.read()
}

type redisError string

func (e redisError) Error() string { return string(e) }

func (c *conn) read() (any, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return nil, errors.New("empty RESP line")
	}
	body := line[1:]
	switch line[0] {
	case '+':
		return body, nil
	case '-':
		return nil, redisError(body)
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil || n < 0 {
			return nil, err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(c.r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil || n < 0 {
			return nil, err
		}
		out := make([]any, n)
		for i := range out {
			if out[i], err = c.read(); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unexpected RESP line %q", line)
}

func arr(v any) []any  { a, _ := v.([]any); return a }
func str(v any) string { s, _ := v.(string); return s }
func num(v any) int64  { n, _ := v.(int64); return n }

// pairs reads a RESP2 flat array of alternating names and values.
func pairs(v any) map[string]any {
	a := arr(v)
	m := make(map[string]any, len(a)/2)
	for i := 0; i+1 < len(a); i += 2 {
		m[str(a[i])] = a[i+1]
	}
	return m
}

package vet

import (
	_ "embed"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:generate go run ../../internal/cmd/gencommands -o commands.json

// commandsJSON is Redis's own description of its commands and of the
// globals scripts see, written by internal/cmd/gencommands.
//
//go:embed commands.json
var commandsJSON []byte

// table is commands.json decoded.
type table struct {
	Redis    string     `json:"redis"` // the server version it was read from
	Globals  []string   `json:"globals"`
	Commands []*command `json:"commands"`

	byName    map[string]*command
	names     []string            // upper case, for suggestions
	globals   map[string]bool     // "tonumber", "redis.call", ...
	libraries map[string][]string // "redis" -> its field names
	topLevel  []string            // global names, for suggestions
}

// command is a Redis command or subcommand.
type command struct {
	Name        string     `json:"name"`  // lower case, without the container's name
	Arity       int        `json:"arity"` // words including the name(s); -n means at least n
	Flags       []string   `json:"flags"`
	Keys        []*keySpec `json:"keys"`
	Subcommands []*command `json:"subcommands"`

	parent *command
}

// keySpec says where some of a command's keys are, in Redis's key-spec
// terms: begin_search by index or keyword, then find_keys by range or by a
// key count. Positions count the command's words from 0 (the name).
type keySpec struct {
	Index     int    `json:"index"`
	Keyword   string `json:"keyword"`
	StartFrom int    `json:"startfrom"`
	Find      string `json:"find"` // "range" or "keynum"
	LastKey   int    `json:"lastkey"`
	Limit     int    `json:"limit"`
	KeyNumIdx int    `json:"keynumidx"`
	FirstKey  int    `json:"firstkey"`
	Step      int    `json:"step"`
}

var commands = sync.OnceValue(func() *table {
	t := &table{}
	if err := json.Unmarshal(commandsJSON, t); err != nil {
		panic("generator/vet: commands.json: " + err.Error())
	}
	t.byName = map[string]*command{}
	for _, c := range t.Commands {
		t.byName[c.Name] = c
		t.names = append(t.names, strings.ToUpper(c.Name))
		for _, s := range c.Subcommands {
			s.parent = c
		}
	}
	t.globals = map[string]bool{}
	t.libraries = map[string][]string{}
	for _, g := range t.Globals {
		t.globals[g] = true
		if lib, field, ok := strings.Cut(g, "."); ok {
			t.libraries[lib] = append(t.libraries[lib], field)
		} else if !strings.HasPrefix(g, "__") {
			t.topLevel = append(t.topLevel, g)
		}
	}
	return t
})

// lookup finds a command by name, ignoring case.
func (t *table) lookup(name string) *command {
	return t.byName[strings.ToLower(name)]
}

// subcommand finds a subcommand by name, ignoring case.
func (c *command) subcommand(name string) *command {
	for _, s := range c.Subcommands {
		if strings.EqualFold(s.Name, name) {
			return s
		}
	}
	return nil
}

func (c *command) subcommandNames() []string {
	var out []string
	for _, s := range c.Subcommands {
		out = append(out, strings.ToUpper(s.Name))
	}
	return out
}

func (c *command) has(flag string) bool { return slices.Contains(c.Flags, flag) }

// displayName is the command as a user writes it: "GET", "OBJECT ENCODING".
func (c *command) displayName() string {
	if c.parent != nil {
		return strings.ToUpper(c.parent.Name + " " + c.Name)
	}
	return strings.ToUpper(c.Name)
}

// words is what keyPositions knows about a call's arguments: the first is
// the command name. When open is set, the last word is a multi-valued
// expression (a call or ...) that may stand for any number of words.
type words struct {
	n    int
	open bool
	// literal returns word i when it is written as a string or number.
	literal func(i int) (string, bool)
}

// keyPositions returns the positions of the words that are keys according
// to c's key specs, each once, in order. A key that falls into an open
// tail is reported as the tail's position. Specs that cannot be followed
// without knowing every word (a keyword searched from the end, a key count
// that is not a literal) yield what can be known: for a key count, the
// first key.
func (c *command) keyPositions(w words) []int {
	var out []int
	add := func(i int) {
		if w.open && i > w.n-1 {
			i = w.n - 1
		}
		if i >= 0 && i < w.n && !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	for _, k := range c.Keys {
		first, ok := k.begin(w)
		if !ok {
			continue
		}
		step := max(k.Step, 1)
		last := first
		switch k.Find {
		case "range":
			switch {
			case k.LastKey >= 0:
				last = first + k.LastKey
			case w.open:
				last = w.n - 1 // every known word from first, and the tail
			case k.Limit <= 1:
				last = w.n + k.LastKey
			default:
				last = first + (w.n-first)/k.Limit + k.LastKey
			}
		case "keynum":
			idx := first + k.KeyNumIdx
			first += k.FirstKey
			last = first // the count is unknown: check the first key only
			if idx < w.n && !(w.open && idx == w.n-1) {
				if s, ok := w.literal(idx); ok {
					if n, ok := parseCount(s); ok {
						last = first + n - 1
					}
				}
			}
		default:
			continue
		}
		for i := first; i <= last && i < w.n+1; i += step {
			if w.open && i >= w.n-1 {
				add(i)
				break
			}
			add(i)
		}
	}
	slices.Sort(out)
	return out
}

// begin finds the position where the spec's keys start.
func (k *keySpec) begin(w words) (int, bool) {
	if k.Keyword == "" {
		return k.Index, k.Index > 0
	}
	if k.StartFrom < 0 {
		if w.open {
			return 0, false
		}
		for i := w.n + k.StartFrom; i >= 1 && i < w.n; i-- {
			if s, ok := w.literal(i); ok && strings.EqualFold(s, k.Keyword) {
				return i + 1, true
			}
		}
		return 0, false
	}
	for i := k.StartFrom; i < w.n; i++ {
		if w.open && i == w.n-1 {
			return 0, false
		}
		// A word that is not a literal could be anything but is taken
		// not to be the keyword: options come from ARGV, keywords are
		// written out.
		if s, ok := w.literal(i); ok && strings.EqualFold(s, k.Keyword) {
			return i + 1, true
		}
	}
	return 0, false
}

// parseCount reads a key count as Redis does: a non-negative integer.
func parseCount(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}

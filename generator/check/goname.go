package check

import (
	"go/token"
	"regexp"
	"strings"
	"unicode"
)

// identifier is what header names must look like: plain ASCII, so the Go
// names derived from them are predictable.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// initialisms are written all upper case in Go names, as golint does
// ("user_id" → "UserID"), plus DB.
var initialisms = map[string]bool{
	"ACL": true, "API": true, "ASCII": true, "CPU": true, "CSS": true, "DB": true, "DNS": true,
	"EOF": true, "GUID": true, "HTML": true, "HTTP": true, "HTTPS": true, "ID": true, "IP": true,
	"JSON": true, "LHS": true, "QPS": true, "RAM": true, "RHS": true, "RPC": true, "SLA": true,
	"SMTP": true, "SQL": true, "SSH": true, "TCP": true, "TLS": true, "TTL": true, "UDP": true,
	"UI": true, "UID": true, "UUID": true, "URI": true, "URL": true, "UTF8": true, "VM": true,
	"XML": true, "XMPP": true, "XSRF": true, "XSS": true,
}

// exportedName turns a snake_case or camelCase name into an exported Go
// name with initialisms: "retry_after" → "RetryAfter", "ttl_ms" → "TTLMs",
// "getUserID" → "GetUserID".
func exportedName(name string) string {
	keep := mixedCase(name)
	var b strings.Builder
	for _, w := range words(name) {
		b.WriteString(exportedWord(w, keep))
	}
	return b.String()
}

// paramName turns a name into a lowerCamel Go parameter name: "retry_after"
// → "retryAfter", "user_id" → "userID", "ID" → "id".
func paramName(name string) string {
	ws := words(name)
	if len(ws) == 0 {
		return ""
	}
	keep := mixedCase(name)
	var b strings.Builder
	b.WriteString(strings.ToLower(ws[0]))
	for _, w := range ws[1:] {
		b.WriteString(exportedWord(w, keep))
	}
	return b.String()
}

// exportedWord capitalizes one word. keepCase keeps the rest of the word
// as written, for camelCase names whose author chose the casing
// ("GetSHA1"); snake_case and SCREAMING_CASE words are title-cased.
func exportedWord(w string, keepCase bool) string {
	up := strings.ToUpper(w)
	if initialisms[up] {
		return up
	}
	// Plural initialisms read better as "IDs" than "Ids".
	if len(up) > 2 && up[len(up)-1] == 'S' && initialisms[up[:len(up)-1]] {
		return up[:len(up)-1] + "s"
	}
	if keepCase {
		return up[:1] + w[1:]
	}
	return up[:1] + strings.ToLower(w[1:])
}

// mixedCase reports whether name has both lower and upper case letters.
func mixedCase(name string) bool {
	return strings.ToLower(name) != name && strings.ToUpper(name) != name
}

// words splits a name at underscores and at case changes: "getHTTPServer_v2"
// → get, HTTP, Server, v2. Digits stay with the word before them.
func words(name string) []string {
	var out []string
	for _, part := range strings.Split(name, "_") {
		start := 0
		r := []rune(part)
		for i := 1; i < len(r); i++ {
			lowerToUpper := !unicode.IsUpper(r[i-1]) && unicode.IsUpper(r[i])
			acronymEnd := unicode.IsUpper(r[i-1]) && unicode.IsUpper(r[i]) && i+1 < len(r) && unicode.IsLower(r[i+1])
			if lowerToUpper || acronymEnd {
				out = append(out, string(r[start:i]))
				start = i
			}
		}
		if start < len(r) {
			out = append(out, string(r[start:]))
		}
	}
	return out
}

// startsWithLetter reports whether a derived Go name is usable: "_1x"
// passes the identifier check but gives "1x".
func startsWithLetter(s string) bool {
	return s != "" && unicode.IsLetter(rune(s[0]))
}

// GoParamName returns the Go parameter name Names gives a key or arg
// named name, or "" when Names would refuse the name: not an identifier,
// not starting with a letter once in Go, or a Go keyword.
func GoParamName(name string) string {
	g := paramName(name)
	if !identifier.MatchString(name) || !startsWithLetter(g) || token.IsKeyword(g) {
		return ""
	}
	return g
}

// GoScriptName is ScriptName's exported Go name for a script named name,
// or "" when it would refuse the name.
func GoScriptName(name string) string {
	g := exportedName(name)
	if !identifier.MatchString(name) || !startsWithLetter(g) {
		return ""
	}
	return g
}

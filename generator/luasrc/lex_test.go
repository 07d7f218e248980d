package luasrc

import (
	"fmt"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	src := "local x = KEYS[1] .. 'a\\\nb' -- note\n" +
		"--[==[ long\ncomment ]==] y = [[s]] ... 0x1F 3.5e-2 goto x ::l::"
	toks, comments, err := lex([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range toks {
		got = append(got, fmt.Sprintf("%d:%d-%d:%d %d %s", tk.Line, tk.Col, tk.EndLine, tk.EndCol, tk.Kind, tk.Text))
	}
	want := []string{
		"1:1-1:5 0 local", "1:7-1:7 0 x", "1:9-1:9 3 =", "1:11-1:14 0 KEYS", "1:15-1:15 3 [",
		"1:16-1:16 1 1", "1:17-1:17 3 ]", "1:19-1:20 3 ..", "1:22-2:2 2 'a\\\nb'",
		"4:14-4:14 0 y", "4:16-4:16 3 =", "4:18-4:22 2 [[s]]", "4:24-4:26 3 ...",
		"4:28-4:31 1 0x1F", "4:33-4:38 1 3.5e-2", "4:40-4:43 0 goto", "4:45-4:45 0 x",
		"4:47-4:48 3 ::", "4:49-4:49 0 l", "4:50-4:51 3 ::",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("tokens:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var gotC []string
	for _, c := range comments {
		gotC = append(gotC, fmt.Sprintf("%d:%d %d-%d level %d %q body %q", c.Line, c.Col, c.Offset, c.End, c.Level, c.Text, c.Body()))
	}
	wantC := []string{
		`2:4 28-35 level -1 "-- note" body " note"`,
		`3:1 36-60 level 2 "--[==[ long\ncomment ]==]" body " long\ncomment ]==]"`,
	}
	if strings.Join(gotC, "|") != strings.Join(wantC, "|") {
		t.Errorf("comments: %q, want %q", gotC, wantC)
	}
	if Keywords["goto"] || !Keywords["local"] {
		t.Error("Keywords: goto is not a Lua 5.1 keyword, local is")
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"x = 'abc\ny'", "1:5 unfinished string: no closing ' on this line"},
		{"x = [==[ abc ]]", "1:5 unfinished long string: no closing ]==]"},
		{"--[[ abc", "1:1 unfinished long comment: no closing ]]"},
		{"x = 1 --[=[ abc\n", "1:7 unfinished long comment: no closing ]=]"},
		{"x = [=x", "1:5 invalid long string delimiter; write [=["},
		{"x = '\\300'", "1:6 escape sequence too large: \\300 is above \\255"},
		{"x = 3..2", `1:5 malformed number "3..2"`},
		{"x = 1e", `1:5 malformed number "1e"`},
	} {
		toks, _, err := lex([]byte(c.src))
		if err == nil {
			t.Errorf("%q: no error, tokens %v", c.src, toks)
			continue
		}
		if got := fmt.Sprintf("%d:%d %s", err.Line, err.Col, err.Msg); got != c.want {
			t.Errorf("%q: %s, want %s", c.src, got, c.want)
		}
	}
}

func TestUnclosedComment(t *testing.T) {
	_, comments, err := lex([]byte("-- a\n--[=[ b\n"))
	if err == nil || len(comments) != 2 || !comments[1].Unclosed || comments[1].Level != 1 || comments[1].End != 13 {
		t.Errorf("comments %+v, error %v", comments, err)
	}
}

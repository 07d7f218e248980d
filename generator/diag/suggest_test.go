package diag

import "testing"

func TestSuggest(t *testing.T) {
	opts := []string{"name", "scripts", "out", "emit_interface"}
	tests := []struct{ word, want string }{
		{"nme", "name"},
		{"NAME", "name"},
		{"script", "scripts"},
		{"emit_interfaces", "emit_interface"},
		{"output", ""},
		{"ot", "out"},
		{"x", ""},
		{"foo", ""},
		{"nmae", "name"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.word, opts); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

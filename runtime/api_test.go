package runtime_test

import (
	"slices"
	"testing"

	"github.com/luagen/luagen/internal/apitest"
)

// TestUserAPI keeps package runtime to what application code uses: what
// only generated code calls belongs in runtime/luagenimpl, so that go doc
// shows users their API and nothing else. Adding a name here is a decision
// about the user API.
func TestUserAPI(t *testing.T) {
	want := []string{
		"ArgumentError", "ArgumentError.Error", "ArgumentError.Unwrap",
		"Batch", "Batch.Do", "Batch.Exec", "Batch.KeepOrder", "Batch.Len",
		"BatchError", "BatchError.Error", "BatchError.Unwrap",
		"BatchInfo",
		"CallInfo",
		"CrossSlotError", "CrossSlotError.Error",
		"ErrExecuted", "ErrNotExecuted",
		"Future", "Future.Err", "Future.Get",
		"Hooks",
		"Library", "Library.Name", "Library.Source", "Library.Version", "LibraryVersion",
		"New", "Option",
		"Outcome", "Outcome.String", "OutcomeErrorReply", "OutcomeOK", "OutcomeTransport",
		"PrefixError", "PrefixError.Error",
		"ReplyError", "ReplyError.Error", "ReplyError.Unwrap",
		"Runner", "Runner.Client", "Runner.Load", "Runner.NewBatch", "Runner.Sync", "Runner.Versions",
		"Script", "Script.File", "Script.Library", "Script.Name", "Script.SHA1",
		"ScriptError", "ScriptError.Error", "ScriptError.IsPermission", "ScriptError.Unwrap",
		"WithHooks", "WithSlotCheck",
	}
	got, err := apitest.Exported(".", "../internal/rt")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("package runtime exports\n  %v\nwant\n  %v\n(what only generated code needs goes in runtime/luagenimpl)", got, want)
	}
}

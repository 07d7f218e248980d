// Package core is the implementation of package runtime: runners, batches,
// futures and single calls. Package runtime's user-facing types are defined
// types over this package's (type Runner core.Runner, ...) with thin
// wrapper methods, and package runtime/luagenimpl, the one generated code
// calls, converts them back for free to reach what only generated code may
// use (Call, Batch.Add, NewFuture, ...). The errors callers see are
// runtime's types, built through Errors.
//
// See package runtime's documentation for the semantics.
package core

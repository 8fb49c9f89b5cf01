// Package sharedtest is the one rule for tests that need ../shared (the
// corpus, the goldens and the TFLite Micro oracle beside the repository):
// without it they skip, except under CI=true, where they fail; and each skip
// is recorded so that `make test` can say in one line how many tests it
// skipped and why.
package sharedtest

import (
	"fmt"
	"os"
	"testing"
)

// LogEnv names the environment variable holding the file Skip appends to,
// one line per skipped test: "<test>\t<what> not found". The Makefile sets
// it and counts the lines.
const LogEnv = "INT8SCOPE_SKIP_LOG"

// Skip skips t because the ../shared data named by what (e.g. "the shared
// corpus (../shared/corpus)") is missing, detail saying where it was looked
// for; under CI=true, where everything must run, it fails t instead.
func Skip(t testing.TB, what, detail string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but %s is missing: %s", what, detail)
	}
	if path := os.Getenv(LogEnv); path != "" {
		if f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			fmt.Fprintf(f, "%s\t%s not found\n", t.Name(), what)
			f.Close()
		}
	}
	t.Skipf("%s not found (%s); CI=true makes this a failure", what, detail)
}

// Need skips (or, under CI=true, fails) t when path does not exist.
func Need(t testing.TB, path, what string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		Skip(t, what, err.Error())
	}
}

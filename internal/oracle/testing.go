package oracle

import (
	"errors"
	"os"
	"testing"
)

// CheckStart handles Start's error in a test: a missing node or missing
// npm packages skip the test, except under CI=true, where everything must
// run; any other error fails it.
func CheckStart(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if errors.Is(err, ErrUnavailable) && os.Getenv("CI") != "true" {
		t.Skipf("real TFLite oracle not available (install node 20+ and run `npm ci` in oracle/): %v", err)
	}
	t.Fatal(err)
}

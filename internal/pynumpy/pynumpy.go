// Package pynumpy finds a Python 3 with NumPy for the tests that run the
// NumPy programs int8scope exports (engine/export): python3 on PATH, else
// /usr/bin/python3 (Debian's python3-numpy, which .ci/run installs).
// Without one those tests skip, except under CI=true, where they fail.
package pynumpy

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

var (
	once    sync.Once
	path    string
	whyNone string
)

// Find returns the path of a Python 3 with NumPy, or skips t (fails it
// under CI=true) when there is none.
func Find(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		var tried []string
		for _, p := range []string{"python3", "/usr/bin/python3"} {
			out, err := exec.Command(p, "-c", "import numpy").CombinedOutput()
			if err == nil {
				path = p
				return
			}
			msg := strings.TrimSpace(string(out))
			if i := strings.LastIndex(msg, "\n"); i >= 0 {
				msg = msg[i+1:]
			}
			tried = append(tried, fmt.Sprintf("%s: %v %s", p, err, msg))
		}
		whyNone = strings.Join(tried, "; ")
	})
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but there is no Python 3 with NumPy (apt-get install python3-numpy): %s", whyNone)
		}
		t.Skipf("no Python 3 with NumPy (%s); CI=true makes this a failure", whyNone)
	}
	return path
}

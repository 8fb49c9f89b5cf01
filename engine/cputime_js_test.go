//go:build js

package engine

import (
	"strconv"
	"strings"
	"syscall/js"
	"time"
)

// cpuTime is the CPU time of Node's main thread, which runs the WebAssembly
// (from /proc/self/task/PID/schedstat, as tools/bench measures), or 0 where
// that is not available (a browser, or not Linux).
func cpuTime() (d time.Duration) {
	defer func() {
		if recover() != nil {
			d = 0
		}
	}()
	process, fs := js.Global().Get("process"), js.Global().Get("fs")
	if process.IsUndefined() || fs.IsUndefined() {
		return 0
	}
	path := "/proc/self/task/" + strconv.Itoa(process.Get("pid").Int()) + "/schedstat"
	s := fs.Call("readFileSync", path, "utf8").String()
	ns, err := strconv.ParseInt(strings.Fields(s)[0], 10, 64)
	if err != nil {
		return 0
	}
	return time.Duration(ns)
}

//go:build unix

package engine

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time the process has used (user and system), which,
// unlike wall time, does not grow when other processes share the cores.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestPersonDetectSpeed checks the performance target on the MobileNet-style
// corpus model in CPU time: at least 1 GMAC/s on one core without a trace,
// a trace costing at most 2×, and a bounded number of allocations.
func TestPersonDetectSpeed(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test; skipped with -short and -race")
	}
	m := corpusModel(t, "person_detect.tflite")
	inputs := benchInputs(sharedDir(t), "person_detect", m)
	n := float64(m.MACs())
	rate := func(trace bool) float64 {
		const runs = 20
		best := 0.0
		for range 3 {
			start := cpuTime()
			for range runs {
				if _, err := m.Run(inputs, Options{Trace: trace}); err != nil {
					t.Fatal(err)
				}
			}
			if d := cpuTime() - start; d > 0 {
				best = max(best, n*runs/d.Seconds())
			}
		}
		return best
	}
	plain, traced := rate(false), rate(true)
	t.Logf("person_detect: %.0f MACs per run; %.2f GMAC/s of CPU time, traced %.2f GMAC/s", n, plain/1e9, traced/1e9)
	if plain < 1e9 {
		t.Errorf("%.2f GMAC/s without a trace; want at least 1", plain/1e9)
	}
	if traced < plain/2 {
		t.Errorf("tracing slows a run %.1f×; want at most 2×", plain/traced)
	}
	allocs := testing.AllocsPerRun(5, func() { m.Run(inputs, Options{}) })
	if limit := float64(8 * (len(m.Ops) + len(m.Tensors))); allocs > limit {
		t.Errorf("%v allocations per run; want at most %v", allocs, limit)
	}
}

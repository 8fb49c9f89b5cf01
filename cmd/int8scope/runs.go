package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/int8scope/int8scope/engine"
)

// series says how `run --runs` runs a model several times in a row.
type series struct {
	runs       int  // inferences, the model's state carried from one to the next
	resetEvery int  // Model.Reset before runs 1+K, 1+2K, … (0: never)
	last       bool // write only the last run's tensors, into OUT itself
}

// runSeries runs m s.runs times in a row, as an app streaming into a
// stateful model does. Run k reads DIR/run<k>/input<i>.bin when DIR/run1
// exists, else DIR/input<i>.bin every time, and writes OUT/run<k>/ (or,
// with s.last, only the last run into OUT).
func runSeries(m *engine.Model, inDir, outDir string, p engine.Profile, trace bool, s series) error {
	if s.runs < 1 {
		return fmt.Errorf("--runs %d: need at least 1", s.runs)
	}
	if s.resetEvery < 0 {
		return fmt.Errorf("--reset-every %d: need 0 (never) or more", s.resetEvery)
	}
	perRun := false
	if st, err := os.Stat(filepath.Join(inDir, "run1")); err == nil && st.IsDir() {
		perRun = true
	}
	for k := 1; k <= s.runs; k++ {
		if s.resetEvery > 0 && k > 1 && (k-1)%s.resetEvery == 0 {
			m.Reset()
		}
		dir := inDir
		if perRun {
			dir = filepath.Join(inDir, fmt.Sprintf("run%d", k))
		}
		inputs, err := readInputs(m, dir)
		if err != nil {
			return fmt.Errorf("run %d: %w", k, err)
		}
		res, err := m.Run(inputs, engine.Options{Profile: p, Trace: trace})
		if err != nil {
			return fmt.Errorf("run %d: %w", k, err)
		}
		switch {
		case s.last && k < s.runs:
		case s.last:
			err = writeTensors(res, outDir)
		default:
			err = writeTensors(res, filepath.Join(outDir, fmt.Sprintf("run%d", k)))
		}
		if err != nil {
			return fmt.Errorf("run %d: %w", k, err)
		}
	}
	return nil
}

// writeState writes DIR/state.json: the model's resource variables after
// the run (name, type, shape, quantization, values).
func writeState(res *engine.Result, dir string) error {
	f, err := os.Create(filepath.Join(dir, "state.json"))
	if err != nil {
		return err
	}
	defer f.Close()
	return writeJSON(f, map[string]any{"profile": res.Profile, "variables": res.State})
}

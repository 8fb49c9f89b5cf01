// Package tflm runs models in TensorFlow Lite Micro itself: the tflm_run
// program in ../shared/oracles/tflm (TFLite Micro's reference kernels with a
// small harness, same file contract as `int8scope run`). It is the live
// oracle for int8scope's reference profile.
//
// tflm_run is one process per inference; it starts in a few milliseconds,
// so callers run many models by calling Run from a few goroutines.
package tflm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/int8scope/int8scope/internal/oracle"
	"github.com/int8scope/int8scope/internal/sharedtest"
)

// ErrUnavailable is wrapped by Find's error when tflm_run is not there.
// Tests skip on it, except under CI=true (see CheckFind).
var ErrUnavailable = errors.New("tflm: TFLite Micro (tflm_run) unavailable")

// Error is a failure TFLite Micro reported for one model: it refused the
// model (exit code 3: load/verify, e.g. an op it does not have; 4: tensor
// allocation) or its inputs (5), or Invoke failed (6).
type Error struct {
	Code    int
	Message string // tflm_run's stderr, with TFLite Micro's own text
}

func (e *Error) Error() string {
	return fmt.Sprintf("TFLite Micro (tflm_run exit %d): %s", e.Code, strings.TrimSpace(e.Message))
}

// Refused reports whether TFLite Micro rejected the model before running it.
func (e *Error) Refused() bool { return e.Code == 3 || e.Code == 4 }

// Tensor describes one subgraph-0 tensor in tflm_run's index.json.
type Tensor struct {
	Index    int    `json:"index"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	Shape    []int  `json:"shape"`
	Const    bool   `json:"const"`
	Variable bool   `json:"variable"`
	Dumped   bool   `json:"dumped"`
	Bytes    int    `json:"bytes"`
}

// Result is the state after one inference in TFLite Micro.
type Result struct {
	Tensors []Tensor
	// Data holds the raw bytes of every dumped tensor by index: inputs,
	// constants, every tensor the ops wrote, and variable (state) tensors
	// after the run.
	Data map[int][]byte
}

// Runner runs tflm_run.
type Runner struct {
	Bin     string
	Timeout time.Duration // per model; zero means 2 minutes
}

// Find locates tflm_run: $INT8SCOPE_TFLM_RUN, or
// ../shared/oracles/tflm/tflm_run beside the module root.
func Find() (*Runner, error) {
	bin := os.Getenv("INT8SCOPE_TFLM_RUN")
	if bin == "" {
		root, err := oracle.ModuleRoot()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
		bin = filepath.Join(root, "..", "shared", "oracles", "tflm", "tflm_run")
	}
	st, err := os.Stat(bin)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	if st.IsDir() || st.Mode()&0o111 == 0 {
		return nil, fmt.Errorf("%w: %s is not an executable file", ErrUnavailable, bin)
	}
	return &Runner{Bin: bin}, nil
}

// CheckFind handles Find's error in a test: tflm_run missing skips the
// test (sharedtest.Skip), except under CI=true, where it fails.
func CheckFind(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if errors.Is(err, ErrUnavailable) {
		sharedtest.Skip(t, "TFLite Micro (../shared/oracles/tflm/tflm_run, or $INT8SCOPE_TFLM_RUN)", err.Error())
	}
	t.Fatal(err)
}

// Run runs one inference of model in TFLite Micro. inputs[i] holds the raw
// little-endian bytes of subgraph input i. Failures TFLite Micro reports
// are *Error.
func (r *Runner) Run(ctx context.Context, model []byte, inputs [][]byte) (*Result, error) {
	dir, err := os.MkdirTemp("", "int8scope-tflm-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	mpath, in, out := filepath.Join(dir, "model.tflite"), filepath.Join(dir, "in"), filepath.Join(dir, "out")
	if err := os.Mkdir(in, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(mpath, model, 0o644); err != nil {
		return nil, err
	}
	for i, b := range inputs {
		if err := os.WriteFile(filepath.Join(in, fmt.Sprintf("input%d.bin", i)), b, 0o644); err != nil {
			return nil, err
		}
	}
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.Bin, mpath, in, out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("tflm_run: %w (timeout %v)", ctx.Err(), timeout)
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() > 2 {
			return nil, &Error{Code: ee.ExitCode(), Message: stderr.String()}
		}
		return nil, fmt.Errorf("tflm_run: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return ReadDir(out)
}

// ReadDir reads an output directory of tflm_run (or a golden's tensors
// directory of the same layout): index.json and tensor<t>.bin.
func ReadDir(dir string) (*Result, error) {
	b, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		return nil, err
	}
	var idx struct {
		Tensors []Tensor `json:"tensors"`
	}
	if err := json.Unmarshal(b, &idx); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(dir, "index.json"), err)
	}
	res := &Result{Tensors: idx.Tensors, Data: map[int][]byte{}}
	for _, t := range idx.Tensors {
		d, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("tensor%d.bin", t.Index)))
		if errors.Is(err, os.ErrNotExist) {
			continue // not dumped (no data, e.g. a shape-[0] intermediate)
		}
		if err != nil {
			return nil, err
		}
		res.Data[t.Index] = d
	}
	return res, nil
}

package engine

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestReuseSameAsFresh checks Options.Reuse: runs that take the given-up
// Result of the run before (its buffers, its trace records, the Result
// itself, as the WebAssembly page does) give the same tensors, state and
// accumulators as runs that allocate everything anew, run after run (a
// stateful model's state carried over), under every profile, traced and
// not, the profile and tracing switching between runs.
func TestReuseSameAsFresh(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(builtinModelsDir, "*.tflite"))
	if dir := filepath.Join("..", "..", "shared", "corpus", "models"); dirExists(dir) {
		corpus, _ := filepath.Glob(filepath.Join(dir, "*.tflite"))
		files = append(files, corpus...)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".tflite")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			reused, err1 := Load(data)
			fresh, err2 := Load(data)
			if err1 != nil || err2 != nil {
				t.Skipf("not loadable: %v %v", err1, err2)
			}
			last := map[Profile]*Result{}
			for i := range 7 {
				p := Profiles()[i%len(Profiles())]
				opt := Options{Profile: p, Trace: i%2 == 0 || i == 5, LazyAccumulators: i%3 == 0}
				in := randomInputs(fresh, uint32(i+1))
				want, err := fresh.Run(in, opt)
				if err != nil {
					continue // (a profile whose TFLite refuses the model)
				}
				opt.Reuse = last[p]
				got, err := reused.Run(in, opt)
				if err != nil {
					t.Fatalf("run %d (%s) with Reuse: %v", i, p, err)
				}
				last[p] = got
				for ti := range want.Tensors {
					if !bytes.Equal(got.Tensors[ti], want.Tensors[ti]) {
						t.Fatalf("run %d (%s, trace %v): tensor %d differs with Reuse", i, p, opt.Trace, ti)
					}
				}
				if len(got.State) != len(want.State) {
					t.Fatalf("run %d: %d state variables with Reuse, %d without", i, len(got.State), len(want.State))
				}
				for k := range want.State {
					if !bytes.Equal(got.State[k].Data, want.State[k].Data) {
						t.Fatalf("run %d: state variable %d differs with Reuse", i, k)
					}
				}
				if (got.Trace == nil) != (want.Trace == nil) {
					t.Fatalf("run %d: trace %v with Reuse, %v without", i, got.Trace != nil, want.Trace != nil)
				}
				if want.Trace == nil {
					continue
				}
				for op := range want.Trace.Ops {
					a, errA := got.Accumulators(op)
					b, errB := want.Accumulators(op)
					if (errA == nil) != (errB == nil) || !slices.Equal(a, b) {
						t.Fatalf("run %d (%s): op %d's accumulators differ with Reuse (%v, %v)", i, p, op, errA, errB)
					}
					g, w := got.Trace.Ops[op], want.Trace.Ops[op]
					if g.Op != w.Op || g.Builtin != w.Builtin || g.Arithmetic != w.Arithmetic || g.Note != w.Note || (g.Hybrid == nil) != (w.Hybrid == nil) {
						t.Fatalf("run %d (%s): op %d's trace record differs with Reuse: %+v, want %+v", i, p, op, g, w)
					}
				}
			}
		})
	}
}

// TestConcurrentRuns runs one stateless model from several goroutines at
// once: each run has its own run state (a spare one is kept between runs
// and taken by one run at a time) and gives the same tensors.
func TestConcurrentRuns(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(builtinModelsDir, "mnist_cnn_int8.tflite"))
	if err != nil {
		t.Skip(err)
	}
	m, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	in := randomInputs(m, 7)
	want, err := m.Run(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			var last *Result
			for i := range 10 {
				res, err := m.Run(in, Options{Reuse: last, Trace: (g+i)%2 == 0})
				if err != nil {
					errs <- err
					return
				}
				for ti := range want.Tensors {
					if !bytes.Equal(res.Tensors[ti], want.Tensors[ti]) {
						errs <- fmt.Errorf("goroutine %d run %d: tensor %d differs", g, i, ti)
						return
					}
				}
				last = res
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

package export

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/difftest"
	"github.com/int8scope/int8scope/internal/pynumpy"
)

// TestDynamicGuard: a dynamic model (an op's output_shape, paddings or
// begin computed when it runs) exports only as one run's model; the
// program runs on that run's inputs and, given other values of a run-time
// shape input, stops with one message naming the value it was exported
// for.
func TestDynamicGuard(t *testing.T) {
	py := pynumpy.Find(t)
	for _, gen := range []string{"dynamic_transpose_conv", "dynamic_pad", "dynamic_slice"} {
		c, err := difftest.Generate(gen, 1)
		if err != nil {
			t.Fatal(err)
		}
		m, err := engine.Load(c.Model)
		if err != nil {
			t.Fatalf("%s: %v", gen, err)
		}
		if m.Dynamic() == "" {
			t.Fatalf("%s: the model is not dynamic", gen)
		}
		if _, err := NumPy(m, engine.Reference, gen); err == nil || !strings.Contains(err.Error(), "pass --inputs DIR") {
			t.Errorf("%s: exporting the loaded model: got %v, want a refusal that says to pass --inputs", gen, err)
		}
		res, err := m.Run(c.Inputs, engine.Options{Profile: engine.Reference})
		if err != nil {
			t.Fatalf("%s: %v", gen, err)
		}
		reads, ok := res.Model.RunReads()
		if !ok || len(reads) == 0 {
			t.Fatalf("%s: the run's model records no run-time shape values (%v, %v)", gen, reads, ok)
		}
		if _, err := NumPy(res.Model, engine.XNNPack, gen); err == nil || !strings.Contains(err.Error(), "export under the run's profile") {
			t.Errorf("%s: exporting a reference run's model under %s: got %v, want a refusal naming the run's profile", gen, engine.XNNPack, err)
		}
		prog, err := NumPy(res.Model, engine.Reference, gen)
		if err != nil {
			t.Fatalf("%s: %v", gen, err)
		}
		dir := t.TempDir()
		files, err := prog.Files(filepath.Join(dir, "prog"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if err := os.WriteFile(f.Name, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		// Every int32 input one larger: the shape values the ops read
		// (model inputs, or computed from them) change.
		other := slices.Clone(c.Inputs)
		changed := false
		for i, ti := range m.Inputs {
			tt := m.Tensors[ti]
			if tt.Type != engine.Int32 {
				continue
			}
			b := slices.Clone(other[i])
			for k := 0; k+4 <= len(b); k += 4 {
				binary.LittleEndian.PutUint32(b[k:], binary.LittleEndian.Uint32(b[k:])+1)
			}
			other[i], changed = b, true
		}
		if !changed {
			t.Fatalf("%s: no int32 input to change", gen)
		}
		for _, run := range []struct {
			name   string
			inputs [][]byte
			want   string // "" for success
		}{
			{"the run's inputs", c.Inputs, ""},
			{"other shape values", other, "this program was exported for " + reads[0].Role + " ["},
		} {
			args := []string{filepath.Join(dir, "prog.py")}
			for i, ti := range m.Inputs {
				tt := m.Tensors[ti]
				b, err := NPY(tt.Type, tt.Shape, run.inputs[i])
				if err != nil {
					t.Fatal(err)
				}
				p := filepath.Join(dir, fmt.Sprintf("in%d.npy", i))
				if err := os.WriteFile(p, b, 0o644); err != nil {
					t.Fatal(err)
				}
				args = append(args, p)
			}
			args = append(args, "--out", filepath.Join(dir, "out"))
			out, err := exec.Command(py, args...).CombinedOutput()
			switch {
			case run.want == "" && err != nil:
				t.Errorf("%s, %s: the program failed: %v\n%s", gen, run.name, err, out)
			case run.want != "" && err == nil:
				t.Errorf("%s, %s: the program ran; want the error %q", gen, run.name, run.want)
			case run.want != "" && (!strings.Contains(string(out), run.want) || !strings.Contains(string(out), "re-export with these inputs") || strings.Count(strings.TrimSpace(string(out)), "\n") != 0):
				t.Errorf("%s, %s: got\n%s\nwant one line with %q and \"re-export with these inputs\"", gen, run.name, out, run.want)
			default:
				t.Logf("%s, %s: %s", gen, run.name, strings.TrimSpace(string(out)))
			}
		}
	}
}

package export

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
	"github.com/int8scope/int8scope/internal/pynumpy"
)

// TestRuntimeErrors: where the engine refuses the values of a run (a
// GATHER or GATHER_ND index out of bounds, a zero divisor, a variable read
// before it is assigned), under every profile, the program stops with one
// message saying the same.
func TestRuntimeErrors(t *testing.T) {
	py := pynumpy.Find(t)
	f32, i32 := tflite.TensorTypeFLOAT32, tflite.TensorTypeINT32
	type tc struct {
		name   string
		model  []byte
		inputs [][]byte
		want   string // in the engine's error and the program's
	}
	var cases []tc
	{ // GATHER of a runtime position
		b := tfbuild.New()
		x := b.Tensor("x", f32, []int{3}, nil, nil)
		pos := b.Tensor("pos", i32, []int{2}, nil, nil)
		y := b.Tensor("y", f32, []int{2}, nil, nil)
		b.Inputs(x, pos)
		b.Outputs(y)
		b.Op(tflite.BuiltinOperatorGATHER, 0, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsGatherOptions, Value: &tflite.GatherOptionsT{}}, []int{x, pos}, []int{y})
		cases = append(cases, tc{"GATHER", b.Bytes(), [][]byte{tfbuild.F32(1, 2, 3), tfbuild.I32(0, 3)}, "gather index out of bounds: position 3 (element 1 of the positions) is outside [0, 3)"})
	}
	{ // GATHER_ND
		b := tfbuild.New()
		x := b.Tensor("x", f32, []int{2, 2}, nil, nil)
		idx := b.Tensor("idx", i32, []int{2, 2}, nil, nil)
		y := b.Tensor("y", f32, []int{2}, nil, nil)
		b.Inputs(x, idx)
		b.Outputs(y)
		b.Op(tflite.BuiltinOperatorGATHER_ND, 0, nil, []int{x, idx}, []int{y})
		cases = append(cases, tc{"GATHER_ND", b.Bytes(), [][]byte{tfbuild.F32(1, 2, 3, 4), tfbuild.I32(0, 1, 1, -1)}, "gather_nd index out of bounds: index 1 of slice 1 is -1, outside [0, 2)"})
	}
	for _, code := range []tflite.BuiltinOperator{tflite.BuiltinOperatorFLOOR_DIV, tflite.BuiltinOperatorFLOOR_MOD} {
		b := tfbuild.New()
		x := b.Tensor("x", i32, []int{3}, nil, nil)
		d := b.Tensor("d", i32, []int{3}, nil, nil)
		y := b.Tensor("y", i32, []int{3}, nil, nil)
		b.Inputs(x, d)
		b.Outputs(y)
		b.Op(code, 0, nil, []int{x, d}, []int{y})
		cases = append(cases, tc{code.String(), b.Bytes(), [][]byte{tfbuild.I32(1, 2, 3), tfbuild.I32(1, 0, 2)}, "divisor element 1 is 0"})
	}
	{ // READ_VARIABLE without an ASSIGN_VARIABLE
		b := tfbuild.RunningSum([]float32{1})
		b.M.Subgraphs[0].Operators = b.M.Subgraphs[0].Operators[1:] // no CALL_ONCE
		cases = append(cases, tc{"READ_VARIABLE", b.Bytes(), [][]byte{tfbuild.F32(1)}, "is read before any ASSIGN_VARIABLE wrote it"})
	}
	tmp := t.TempDir()
	for _, c := range cases {
		m, err := engine.Load(c.model)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, p := range engine.Profiles() {
			if _, err := m.Run(c.inputs, engine.Options{Profile: p}); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s under %s: the engine says %v, want %q", c.name, p, err, c.want)
			}
			m.Reset()
			if p != engine.Profiles()[0] {
				continue // the kernels and messages are the same; one program run each
			}
			dir := filepath.Join(tmp, c.name+"-"+string(p))
			prog, err := NumPy(m, p, c.name+".tflite")
			if err != nil {
				t.Fatalf("%s under %s: %v", c.name, p, err)
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			var z bytes.Buffer
			if err := WriteNPZ(&z, prog.Arrays); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(dir, "prog.py"), prog.Source)
			writeFile(t, filepath.Join(dir, "prog.npz"), z.Bytes())
			args := []string{filepath.Join(dir, "prog.py")}
			for i, ti := range m.Inputs {
				tt := m.Tensors[ti]
				b, err := NPY(tt.Type, tt.Shape, c.inputs[i])
				if err != nil {
					t.Fatal(err)
				}
				f := filepath.Join(dir, "in"+string(rune('0'+i))+".npy")
				writeFile(t, f, b)
				args = append(args, f)
			}
			out, err := exec.Command(py, append(args, "--out", filepath.Join(dir, "out"))...).CombinedOutput()
			msg := strings.TrimSpace(string(out))
			if err == nil || !strings.Contains(msg, c.want) || strings.Count(msg, "\n") > 0 {
				t.Errorf("%s under %s: the program gave %v:\n%s\nwant one line with %q", c.name, p, err, msg, c.want)
			}
		}
	}
}

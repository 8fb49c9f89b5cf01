package export

import (
	"bytes"
	"encoding/binary"
	"os"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// TestVectorsWide: a 16x8 op's accumulators are int64 in acc.npy, equal to
// the trace's, beyond the int32 range too.
func TestVectorsWide(t *testing.T) {
	// TRANSPOSE_CONV: the int16 data is input 2 (input 0 is the int32 output shape).
	b := tfbuild.New()
	shape := b.Tensor("output_shape", tflite.TensorTypeINT32, []int{4}, nil, tfbuild.I32(1, 2, 2, 2))
	w := b.Tensor("w", tflite.TensorTypeINT8, []int{2, 1, 1, 1}, tfbuild.Q(1, 0), tfbuild.I8(127, -128))
	x := b.Tensor("x", tflite.TensorTypeINT16, []int{1, 2, 2, 1}, tfbuild.Q(1, 0), nil)
	bias := b.Tensor("bias", tflite.TensorTypeINT64, []int{2}, tfbuild.Q(1, 0), tfbuild.I64(1<<33, -7))
	y := b.Tensor("y", tflite.TensorTypeINT16, []int{1, 2, 2, 2}, tfbuild.Q(65536, 0), nil)
	b.Op(tflite.BuiltinOperatorTRANSPOSE_CONV, 3, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsTransposeConvOptions,
		Value: &tflite.TransposeConvOptionsT{Padding: tflite.PaddingVALID, StrideH: 1, StrideW: 1}}, []int{shape, w, x, bias}, []int{y})
	b.Inputs(x)
	b.Outputs(y)
	m, err := engine.Load(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Run([][]byte{tfbuild.I16(32767, 32767, -32768, 3)}, engine.Options{Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	files, err := Vectors(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Name != "op000_TRANSPOSE_CONV/acc.npy" {
			continue
		}
		descr, shape, data, err := ReadNPY(f.Data)
		if err != nil {
			t.Fatal(err)
		}
		want := res.Trace.Ops[0].Acc
		if descr != "<i8" || len(shape) != 4 || len(data) != 8*8 {
			t.Fatalf("acc.npy is %s %v (%d bytes), want int64 [1 2 2 2]", descr, shape, len(data))
		}
		for i, a := range want {
			if got := int64(binary.LittleEndian.Uint64(data[8*i:])); got != a {
				t.Errorf("acc[%d] = %d, want %d", i, got, a)
			}
		}
		if want[0] < 1<<32 {
			t.Errorf("the test wants an accumulator beyond int32, has %d", want[0])
		}
		return
	}
	t.Fatal("no acc.npy")
}

// TestVectorsLazy: a run that left its accumulators for later
// (Options.LazyAccumulators, as the page runs) exports the same files,
// acc.npy included, as one that recorded them.
func TestVectorsLazy(t *testing.T) {
	data, err := os.ReadFile("../../web/static/models/mnist_dscnn_int8.tflite")
	if err != nil {
		t.Fatal(err)
	}
	var all [2][]File
	for i, lazy := range []bool{false, true} {
		m, err := engine.Load(data)
		if err != nil {
			t.Fatal(err)
		}
		in := make([]byte, m.Tensors[m.Inputs[0]].NumBytes())
		for j := range in {
			in[j] = byte(j * 7)
		}
		res, err := m.Run([][]byte{in}, engine.Options{Trace: true, LazyAccumulators: lazy})
		if err != nil {
			t.Fatal(err)
		}
		if all[i], err = Vectors(res); err != nil {
			t.Fatal(err)
		}
	}
	accs := 0
	if len(all[0]) != len(all[1]) {
		t.Fatalf("%d files from a lazy run, %d from a recording one", len(all[1]), len(all[0]))
	}
	lazy := map[string][]byte{}
	for _, f := range all[1] {
		lazy[f.Name] = f.Data
	}
	for _, f := range all[0] {
		if g, ok := lazy[f.Name]; !ok || !bytes.Equal(g, f.Data) {
			t.Fatalf("%s from a lazy run differs, or is missing", f.Name)
		}
		if strings.HasSuffix(f.Name, "/acc.npy") {
			accs++
		}
	}
	if accs == 0 {
		t.Error("no acc.npy exported")
	}
}

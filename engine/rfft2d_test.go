package engine

import (
	"math"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// TestRfft2dHand: rows 1..4, 5..8, 9..12, 13, 14, 15, 16.5. With
// e^(−2πi·j/4) = 1, −i, −1, i, each row (a, b, c, d) gives (a − c) + i(d − b)
// at k2 = 1 and a − b + c − d at k2 = 2; k1 = 0 sums the rows.
func TestRfft2dHand(t *testing.T) {
	in := f32t([]int{1, 4, 4}, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16.5)
	b := tfbuild.New()
	x := b.Tensor("x", tflite.TensorTypeFLOAT32, in.shape, nil, nil)
	fl := b.Tensor("fl", tflite.TensorTypeINT32, []int{2}, nil, tfbuild.I32(4, 4))
	y := b.Tensor("y", tflite.TensorTypeCOMPLEX64, []int{1, 4, 3}, nil, nil)
	b.Op(tflite.BuiltinOperatorRFFT2D, 1, nil, []int{x, fl}, []int{y})
	var outs []int
	for _, code := range []tflite.BuiltinOperator{tflite.BuiltinOperatorREAL, tflite.BuiltinOperatorIMAG, tflite.BuiltinOperatorCOMPLEX_ABS} {
		o := b.Tensor(code.String(), tflite.TensorTypeFLOAT32, []int{1, 4, 3}, nil, nil)
		b.Op(code, 1, nil, []int{y}, []int{o})
		outs = append(outs, o)
	}
	b.Inputs(x)
	b.Outputs(outs...)
	m, err := Load(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Run([][]byte{in.feed}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	z := AsComplex64(res.Tensors[y])
	for i, want := range map[int]complex64{0: 136.5, 1: complex(-8, 8.5), 2: -8.5} {
		if z[i] != want {
			t.Errorf("out[0][%d] = %v, want %v", i, z[i], want)
		}
	}
	if got := AsFloat32(res.Tensors[outs[1]])[1]; got != 8.5 {
		t.Errorf("IMAG = %v, want 8.5", got)
	}
	if got, want := AsFloat32(res.Tensors[outs[2]])[1], float32(math.Sqrt(136.25)); got != want {
		t.Errorf("COMPLEX_ABS = %v, want %v", got, want)
	}
	e, err := res.Explain(0, 1)
	if err != nil || e.Steps[1].Value != 8.5 || e.Real != -8 {
		t.Errorf("explanation %+v, %v", e, err)
	}
}

func TestRfft2dErrors(t *testing.T) {
	in := f32t([]int{2, 3}, 1, 2, 3, 4, 5, 6)
	cases := []opCase{
		{name: "not a power of two", ins: []tt{in, constI32([]int{2}, 2, 6)}, out: tt{typ: tflite.TensorTypeCOMPLEX64, shape: []int{2, 4}}, wantErr: "power of two"},
		{name: "output shape", ins: []tt{in, constI32([]int{2}, 2, 4)}, out: tt{typ: tflite.TensorTypeCOMPLEX64, shape: []int{2, 4}}, wantErr: "but the op computes [2 3]"},
		// fft_length fed at run time: prepared as the model runs, where
		// a bad length is refused.
		{name: "not constant", ins: []tt{in, {typ: tflite.TensorTypeINT32, shape: []int{2}, feed: tfbuild.I32(2, 6)}}, out: tt{typ: tflite.TensorTypeCOMPLEX64, shape: []int{2, 3}}, wantErr: "power of two"},
	}
	runOpCases(t, tflite.BuiltinOperatorRFFT2D, cases)
}

// TestHypotf checks musl's hypotf branches.
func TestHypotf(t *testing.T) {
	inf := float32(math.Inf(1))
	for _, c := range []struct{ x, y, want float32 }{
		{3, 4, 5}, {-3, 4, 5}, {0, -2, 2},
		{1, 0x1p-30, 1},                          // exponents 30 apart: x + y
		{0x1p100, 0x1p100, 0x1p100 * math.Sqrt2}, // rescaled by 2^-90
		{0x1p-100, 0x1p-100, 0x1p-100 * math.Sqrt2},
		{inf, float32(math.NaN()), inf},
	} {
		if got := hypotf(c.x, c.y); got != c.want {
			t.Errorf("hypotf(%v, %v) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
}

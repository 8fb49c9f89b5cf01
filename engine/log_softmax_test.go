package engine

import (
	"bytes"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestLogSoftmax(t *testing.T) {
	f := tflite.TensorTypeFLOAT32
	runOpCases(t, tflite.BuiltinOperatorLOG_SOFTMAX, []opCase{
		// Rows [7, 7] and [3, 3]: (x − m) − logf(2) = −ln 2 in float32.
		// Row [3, −5]: expf(−8) = 3.3546262e−4, 1 + it = 1.0003355 in float32,
		// its logf 3.3539868e−4: −3.3539868e−4 and −8 − 3.3539868e−4 = −8.000336.
		{name: "float", ins: []tt{f32t([]int{3, 2}, 7, 7, 3, 3, 3, -5)},
			out: tt{typ: f, shape: []int{3, 2}}, want: tfbuild.F32(-0.6931472, -0.6931472, -0.6931472, -0.6931472, -0.00033539868, -8.000336)},
		{name: "int8 output scale", ins: []tt{q8([]int{2}, 0.5, 0, 1, 2)},
			out: tt{typ: tflite.TensorTypeINT8, shape: []int{2}, q: tfbuild.Q(1.0/16, 0)}, wantErr: "zero point 127"},
		{name: "uint8 output zero point", ins: []tt{u8t([]int{1}, 0.5, 128, 1)},
			out: tt{typ: tflite.TensorTypeUINT8, shape: []int{1}, q: tfbuild.Q(16.0/256, 127)}, wantErr: "zero point 255"},
		{name: "int16 refused", ins: []tt{{typ: tflite.TensorTypeINT16, shape: []int{1}, q: tfbuild.Q(0.5, 0)}},
			out: tt{typ: tflite.TensorTypeINT16, shape: []int{1}, q: tfbuild.Q(16.0/256, 0)}, wantErr: "not supported"},
	})
}

// TestLogSoftmaxInt8: int8 and uint8 LOG_SOFTMAX in TFLite's fixed point
// (reference, TFLite Micro for int8; reference_ops::LogSoftmax for uint8)
// and the browser's float table (tflite-xnnpack).
//
// Row [7, 7] at s_in = 0.5: both values are the maximum, sum = 2, so both
// outputs are −ln 2 = −0.693 = −11.09 steps of 1/16, −11 + 127 = 116, in
// both arithmetics (uint8: −11 + 255 = 244).
//
// Row [127, 64] at s_in = 0.25: d = 0 and −63 (−15.75). Reference:
// PreprocessSoftmaxScaling gives 0.25·2^26 = 2^30·2^-6 (multiplier 2^30,
// left shift 25), diff_min = −floor(31·2^26/2^25) = −62, so d = −63 is left
// out of the sum (sum = 1, log ≈ 0) and the threshold is max(diff_min − 1,
// (INT32_MIN + log)·2^-24) = max(−63, −128) = −63: d = −63 ≤ −63 gives
// −128. The first output is round(−log/2^22) + 127 = 127. The browser:
// sum = 1 + expf(−15.75) = 1.0000001 (float32), logf = 1.19e-7,
// pre = (0.25·127 + 1.19e-7)/(1/16) = 508 in float32, outputs
// rintf(4·127 − 508) + 127 = 127 and rintf(4·64 − 508) + 127 = −252 + 127
// = −125. uint8 row [255, 192]: the same differences; reference 255 and 0
// (the floor), browser pre = (0.25·255 + 1.19e-7)·16 = 1020 in float32,
// rintf(4·192 − 1020) + 255 = −252 + 255 = 3.
//
// uint8 row [200, 199] at s_in = 1: log probabilities −ln(1 + e^−1) =
// −0.3133 and −1.3133, ×16 = −5.01 and −21.01: 250 and 234 in both
// arithmetics.
func TestLogSoftmaxInt8(t *testing.T) {
	i8, u8 := tflite.TensorTypeINT8, tflite.TensorTypeUINT8
	for _, c := range []struct {
		typ     tflite.TensorType
		scale   float32
		in      []byte
		ref, xn []byte
	}{
		{i8, 0.5, tfbuild.I8(7, 7), tfbuild.I8(116, 116), tfbuild.I8(116, 116)},
		{i8, 0.25, tfbuild.I8(127, 64), tfbuild.I8(127, -128), tfbuild.I8(127, -125)},
		{u8, 0.5, []byte{7, 7}, []byte{244, 244}, []byte{244, 244}},
		{u8, 0.25, []byte{255, 192}, []byte{255, 0}, []byte{255, 3}},
		{u8, 1, []byte{200, 199}, []byte{250, 234}, []byte{250, 234}},
	} {
		zp, value := int64(127), func(b byte) int64 { return int64(int8(b)) }
		if c.typ == u8 {
			zp, value = 255, func(b byte) int64 { return int64(b) }
		}
		in := tt{typ: c.typ, shape: []int{2}, q: tfbuild.Q(c.scale, zp-127), feed: c.in}
		m, err := Load(oneOp(tflite.BuiltinOperatorLOG_SOFTMAX, nil, []tt{in}, tt{typ: c.typ, shape: []int{2}, q: tfbuild.Q(16.0/256, zp)}))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct {
			prof Profile
			want []byte
		}{{Reference, c.ref}, {SingleRounding, c.ref}, {XNNPack, c.xn}} {
			res, err := m.Run([][]byte{c.in}, Options{Profile: p.prof})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Tensors[m.Outputs[0]]; !bytes.Equal(got, p.want) {
				t.Errorf("%v s_in %g %v under %s: got %v, want %v", c.typ, c.scale, c.in, p.prof, got, p.want)
			}
			for i := range p.want {
				e, err := res.Explain(0, i)
				if err != nil || e.Value != value(p.want[i]) {
					t.Errorf("%v s_in %g under %s: explain %d: %v, %v", c.typ, c.scale, p.prof, i, e, err)
				}
			}
		}
	}
}

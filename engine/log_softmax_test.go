package engine

import (
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
		{name: "int8 refused", ins: []tt{q8([]int{2}, 0.5, 0, 1, 2)},
			out: tt{typ: tflite.TensorTypeINT8, shape: []int{2}, q: tfbuild.Q(16.0/256, 127)}, wantErr: "not supported yet"},
	})
}

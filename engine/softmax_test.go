package engine

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func softmaxOpts(beta float32) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSoftmaxOptions, Value: &tflite.SoftmaxOptionsT{Beta: beta}}
}

func TestSoftmax(t *testing.T) {
	one := softmaxOpts(1)
	i8, i16 := tflite.TensorTypeINT8, tflite.TensorTypeINT16
	runOpCases(t, tflite.BuiltinOperatorSOFTMAX, []opCase{
		// Four equal inputs: 1/4 = 64/256, i.e. −128 + 64.
		{name: "int8 uniform", opts: one,
			ins:  []tt{q8([]int{1, 4}, 0.1, 0, 5, 5, 5, 5)},
			out:  tt{typ: i8, shape: []int{1, 4}, q: tfbuild.Q(1.0/256, -128)},
			want: tfbuild.I8(-64, -64, -64, -64)},
		// With scale 1, differences below diff_min = −15 give exactly 0, so
		// the maximum gets 1.0, which saturates to 127.
		{name: "int8 dominant and below diff_min", opts: one,
			ins:  []tt{q8([]int{2, 2}, 1, 0, 127, -128, -128, -128)},
			out:  tt{typ: i8, shape: []int{2, 2}, q: tfbuild.Q(1.0/256, -128)},
			want: tfbuild.I8(127, -128, 0, 0)},
		// int16 output: 1/2 = 32768/65536, i.e. −32768 + 32768.
		{name: "int8 to int16 uniform", opts: one,
			ins:  []tt{q8([]int{2}, 0.1, 3, -7, -7)},
			out:  tt{typ: i16, shape: []int{2}, q: tfbuild.Q(1.0/65536, -32768)},
			want: tfbuild.I16(0, 0)},
		{name: "float", opts: softmaxOpts(1),
			ins:  []tt{f32t([]int{2}, 3, 3)},
			out:  tt{typ: tflite.TensorTypeFLOAT32, shape: []int{2}},
			want: tfbuild.F32(0.5, 0.5)},

		{name: "int8 output zero point", opts: one,
			ins:     []tt{q8([]int{2}, 0.1, 0, 1, 2)},
			out:     tt{typ: i8, shape: []int{2}, q: tfbuild.Q(1.0/256, 0)},
			wantErr: "zero point -128"},
		{name: "int8 output scale", opts: one,
			ins:     []tt{q8([]int{2}, 0.1, 0, 1, 2)},
			out:     tt{typ: i8, shape: []int{2}, q: tfbuild.Q(1.0/255, -128)},
			wantErr: "scale 1/256"},
		{name: "int16 output of int8", opts: one,
			ins:     []tt{q8([]int{2}, 0.1, 0, 1, 2)},
			out:     tt{typ: i16, shape: []int{2}, q: tfbuild.Q(1.0/65536, 0)},
			wantErr: "zero point -32768"},
		{name: "tiny input scale", opts: one,
			ins:     []tt{q8([]int{2}, 1e-9, 0, 1, 2)},
			out:     tt{typ: i8, shape: []int{2}, q: tfbuild.Q(1.0/256, -128)},
			wantErr: "greater than 1"},
		// uint8 as int8 shifted by 128: 1/4 = 64/256 with zero point 0; the
		// dominant element's 1.0 saturates to 255.
		{name: "uint8 uniform", opts: one,
			ins:  []tt{{typ: tflite.TensorTypeUINT8, shape: []int{1, 4}, q: tfbuild.Q(0.1, 128), feed: []byte{9, 9, 9, 9}}},
			out:  tt{typ: tflite.TensorTypeUINT8, shape: []int{1, 4}, q: tfbuild.Q(1.0/256, 0)},
			want: []byte{64, 64, 64, 64}},
		{name: "uint8 dominant and below diff_min", opts: one,
			ins:  []tt{{typ: tflite.TensorTypeUINT8, shape: []int{2}, q: tfbuild.Q(1, 0), feed: []byte{255, 0}}},
			out:  tt{typ: tflite.TensorTypeUINT8, shape: []int{2}, q: tfbuild.Q(1.0/256, 0)},
			want: []byte{255, 0}},
		{name: "uint8 output zero point", opts: one,
			ins:     []tt{{typ: tflite.TensorTypeUINT8, shape: []int{1}, q: tfbuild.Q(1, 0), feed: []byte{1}}},
			out:     tt{typ: tflite.TensorTypeUINT8, shape: []int{1}, q: tfbuild.Q(1.0/256, 128)},
			wantErr: "zero point 0"},
		{name: "scalar", opts: one,
			ins:     []tt{f32t([]int{}, 1)},
			out:     tt{typ: tflite.TensorTypeFLOAT32, shape: []int{}},
			wantErr: "at least one dimension"},
		{name: "shape", opts: one,
			ins:     []tt{f32t([]int{2}, 1, 2)},
			out:     tt{typ: tflite.TensorTypeFLOAT32, shape: []int{1, 2}},
			wantErr: "computes [2]"},
	})
}

// TestSoftmaxAccuracy compares random softmaxes with the real function:
// TFLite's fixed-point softmax is within a few steps of the output scale.
func TestSoftmaxAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	type cfg struct {
		in, out DType
		outQ    *tfbuild.Quant
		tol     float64 // in output steps
	}
	for _, c := range []cfg{
		{Int8, Int8, tfbuild.Q(1.0/256, -128), 1},
		{Int8, Int16, tfbuild.Q(1.0/65536, -32768), 1},
		{Int16, Int16, tfbuild.Q(1.0/32768, 0), 10},
		{Float32, Float32, nil, 0},
	} {
		for trial := 0; trial < 10; trial++ {
			depth, rows := 1+rng.IntN(12), 1+rng.IntN(3)
			beta := float32(0.5 + rng.Float64())
			scale := float32(math.Ldexp(1+rng.Float64(), -4-rng.IntN(3)))
			if c.in == Int16 {
				scale /= 256
			}
			in := tt{typ: ttype(c.in), shape: []int{rows, depth}}
			var xs []float64 // real input values
			if c.in == Float32 {
				var v []float32
				for i := 0; i < rows*depth; i++ {
					v = append(v, float32(rng.NormFloat64()*3))
					xs = append(xs, float64(v[i]))
				}
				in.feed = tfbuild.F32(v...)
			} else {
				zp := int64(0)
				if c.in == Int8 {
					zp = rng.Int64N(256) - 128
				}
				q := randInts(rng, c.in, rows*depth)
				for _, x := range q {
					xs = append(xs, float64(scale)*float64(x-zp))
				}
				in.q, in.feed = tfbuild.Q(scale, zp), encodeInts(c.in, q)
			}
			got, _, err := runOneOp(tflite.BuiltinOperatorSOFTMAX, softmaxOpts(beta), []tt{in}, tt{typ: ttype(c.out), shape: []int{rows, depth}, q: c.outQ})
			if err != nil {
				t.Fatal(err)
			}
			for r := 0; r < rows; r++ {
				row := xs[r*depth : (r+1)*depth]
				m := row[0]
				for _, x := range row {
					m = math.Max(m, x)
				}
				var sum float64
				for _, x := range row {
					sum += math.Exp(float64(beta) * (x - m))
				}
				for i, x := range row {
					p := math.Exp(float64(beta)*(x-m)) / sum
					k := r*depth + i
					if c.out == Float32 {
						if g := float64(AsFloat32(alignedCopy(got))[k]); math.Abs(g-p) > 1e-6 {
							t.Fatalf("float: element %d: got %v, want %v", k, g, p)
						}
						continue
					}
					s, zp := float64(c.outQ.Scale[0]), c.outQ.ZeroPoint[0]
					g := decodeInts(c.out, got)[k]
					if d := math.Abs(float64(g-zp) - p/s); d > c.tol+0.5 && !(p/s > float64(g-zp) && g == int64(math.Pow(2, float64(8*c.out.Size()-1))-1)) {
						t.Fatalf("%v→%v: element %d: got %d (%v), want %v (± %v steps)", c.in, c.out, k, g, float64(g-zp)*s, p, c.tol)
					}
				}
			}
		}
	}
}

// TestSoftmaxSingleRoundingShift: an int8 SOFTMAX whose input scaling
// β·s_in·2^26 needs a left shift of 31 (s_in ≥ 16) loads; the reference
// and tflite-xnnpack profiles run it, and the single-rounding profile,
// whose MultiplyByQuantizedMultiplier takes shifts up to 30, refuses it
// with a sentence that says so (it panicked at load).
func TestSoftmaxSingleRoundingShift(t *testing.T) {
	in := q8([]int{1, 4}, 20, 0, 1, 0, -1, 3)
	m, err := Load(oneOp(tflite.BuiltinOperatorSOFTMAX, softmaxOpts(1), []tt{in}, tt{typ: tflite.TensorTypeINT8, shape: []int{1, 4}, q: tfbuild.Q(1.0/256, -128)}))
	if err != nil {
		t.Fatal(err)
	}
	if p := m.Ops[0].Params.(*SoftmaxParams); p.InputLeftShift != 31 {
		t.Fatalf("input left shift %d, want 31 (the case under test)", p.InputLeftShift)
	}
	for _, p := range []Profile{Reference, XNNPack} {
		if _, err := m.Run([][]byte{in.feed}, Options{Profile: p}); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	_, err = m.Run([][]byte{in.feed}, Options{Profile: SingleRounding})
	if err == nil || !strings.Contains(err.Error(), "op 0 (SOFTMAX): ") || !strings.Contains(err.Error(), "shifts up to 30") {
		t.Fatalf("single rounding: err = %v, want the op's refusal", err)
	}
	if got := m.Ops[0].Profiles[SingleRounding].Arithmetic; !strings.Contains(got, "shifts up to 30") {
		t.Errorf("single rounding's arithmetic for the op: %q", got)
	}
}

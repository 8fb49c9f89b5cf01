package export

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// sweepFloats is n float32 values over every exponent: random bit
// patterns (both signs, subnormals, NaNs with payloads, infinities), values
// uniform in ±10, and the special values and branch limits of musl's
// routines.
func sweepFloats(n int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 11))
	special := []float32{0, float32(math.Copysign(0, -1)), 1, -1, float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), math.Float32frombits(0x7f800001), math.Float32frombits(0xffc00123),
		math.SmallestNonzeroFloat32, math.MaxFloat32, -math.MaxFloat32, 88, 88.72283, 88.72284, -103.97207, -103.97208,
		math.Float32frombits(0x3f490fda), math.Float32frombits(0x3f490fdb), math.Float32frombits(0x4016cbe3),
		math.Float32frombits(0x4016cbe4), math.Float32frombits(0x407b53d1), math.Float32frombits(0x407b53d2),
		math.Float32frombits(0x40afeddf), math.Float32frombits(0x40afede0), math.Float32frombits(0x40e231d5),
		math.Float32frombits(0x40e231d6), math.Float32frombits(0x4dc90fda), math.Float32frombits(0x4dc90fdb),
		math.Float32frombits(0x39800000), math.Float32frombits(0x397fffff), 1e-6, 0.0004, 4, -4, 7.9053111, 1e30}
	v := make([]float32, n)
	for i := range v {
		switch {
		case i < len(special):
			v[i] = special[i]
		case i%3 == 0:
			v[i] = math.Float32frombits(r.Uint32())
		case i%3 == 1:
			v[i] = float32(r.Float64()*20 - 10)
		default:
			v[i] = float32((r.Float64()*2 - 1) * math.Pow(2, float64(r.IntN(40)-20)))
		}
	}
	return v
}

// TestFloatUnarySweep runs the float32 elementwise ops' programs (musl's
// expf, logf, sinf, cosf ported to NumPy, sqrtf, GELU's Eigen
// approximations, ELU's glibc expm1f and XNNPACK polynomial) on values over every float32 exponent, special values and
// the branch limits of the routines, and COMPLEX_ABS (musl's hypotf), REAL
// and IMAG likewise, and compares them with the engine bit for bit (NaN
// payloads and signed zeros included).
func TestFloatUnarySweep(t *testing.T) {
	n := 4096
	if *long {
		n = 1 << 18
	}
	type unary struct {
		code tflite.BuiltinOperator
		opts *tflite.BuiltinOptionsT
	}
	ops := []unary{{tflite.BuiltinOperatorEXP, nil}, {tflite.BuiltinOperatorLOG, nil}, {tflite.BuiltinOperatorSIN, nil},
		{tflite.BuiltinOperatorCOS, nil}, {tflite.BuiltinOperatorSQRT, nil}, {tflite.BuiltinOperatorRSQRT, nil},
		{tflite.BuiltinOperatorABS, nil}, {tflite.BuiltinOperatorNEG, nil}, {tflite.BuiltinOperatorSQUARE, nil},
		{tflite.BuiltinOperatorGELU, nil},
		{tflite.BuiltinOperatorGELU, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsGeluOptions, Value: &tflite.GeluOptionsT{Approximate: true}}}}
	tmp := t.TempDir()
	var cases []*pyCase
	for i, u := range ops {
		b := tfbuild.New()
		x := b.Tensor("x", tflite.TensorTypeFLOAT32, []int{n}, nil, nil)
		y := b.Tensor("y", tflite.TensorTypeFLOAT32, []int{n}, nil, nil)
		b.Op(u.code, 1, u.opts, []int{x}, []int{y})
		b.Inputs(x)
		b.Outputs(y)
		m, err := engine.Load(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		in := tfbuild.F32(sweepFloats(n, uint64(i))...)
		name := fmt.Sprintf("%v-%d", u.code, i)
		c := exportCase(t, name, m, engine.Reference, [][]byte{in}, filepath.Join(tmp, name))
		if c == nil {
			t.Fatalf("%s does not export", name)
		}
		cases = append(cases, c)
	}
	// ELU: glibc's expm1f (reference) and XNNPACK's rr2-p6 (tflite-xnnpack).
	for i, p := range []engine.Profile{engine.Reference, engine.XNNPack} {
		b := tfbuild.New()
		x := b.Tensor("x", tflite.TensorTypeFLOAT32, []int{n}, nil, nil)
		y := b.Tensor("y", tflite.TensorTypeFLOAT32, []int{n}, nil, nil)
		b.Op(tflite.BuiltinOperatorELU, 1, nil, []int{x}, []int{y})
		b.Inputs(x)
		b.Outputs(y)
		m, err := engine.Load(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		in := tfbuild.F32(sweepFloats(n, uint64(50+i))...)
		name := fmt.Sprintf("ELU-%s", p)
		c := exportCase(t, name, m, p, [][]byte{in}, filepath.Join(tmp, name))
		if c == nil {
			t.Fatalf("%s does not export", name)
		}
		cases = append(cases, c)
	}
	// REAL, IMAG and COMPLEX_ABS (musl's hypotf) of complex64 inputs whose
	// parts sweep every exponent too.
	for i, code := range []tflite.BuiltinOperator{tflite.BuiltinOperatorCOMPLEX_ABS, tflite.BuiltinOperatorREAL, tflite.BuiltinOperatorIMAG} {
		b := tfbuild.New()
		x := b.Tensor("x", tflite.TensorTypeCOMPLEX64, []int{n}, nil, nil)
		y := b.Tensor("y", tflite.TensorTypeFLOAT32, []int{n}, nil, nil)
		b.Op(code, 1, nil, []int{x}, []int{y})
		b.Inputs(x)
		b.Outputs(y)
		m, err := engine.Load(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		parts := sweepFloats(2*n, uint64(100+i))
		r := rand.New(rand.NewPCG(uint64(i), 3))
		r.Shuffle(len(parts), func(a, b int) { parts[a], parts[b] = parts[b], parts[a] })
		name := fmt.Sprintf("%v", code)
		c := exportCase(t, name, m, engine.Reference, [][]byte{tfbuild.F32(parts...)}, filepath.Join(tmp, name))
		if c == nil {
			t.Fatalf("%s does not export", name)
		}
		cases = append(cases, c)
	}
	nt, el := runPython(t, cases)
	t.Logf("%d ops, %d tensors, %d elements equal", len(cases), nt, el)
}

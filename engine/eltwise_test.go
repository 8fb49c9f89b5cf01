package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// eltwiseShapes returns random pairs of input shapes of the kinds
// broadcast.runs treats apart: equal shapes, a scalar, an innermost-dimension
// vector, a repeated innermost dimension, and a random mix of 1s; odd sizes,
// some large enough for the ADD tables (addTableMin).
func eltwiseShapes(rng *rand.Rand) [][2][]int {
	randShape := func(rank, maxDim int) []int {
		s := make([]int, rank)
		for d := range s {
			s[d] = 1 + rng.IntN(maxDim)
		}
		return s
	}
	var out [][2][]int
	for range 4 {
		a := randShape(1+rng.IntN(4), 13)
		ones := func() []int { // a with random dimensions set to 1
			b := append([]int{}, a...)
			for d := range b {
				if rng.IntN(2) == 0 {
					b[d] = 1
				}
			}
			return b[rng.IntN(len(b)):]
		}
		last := []int{a[len(a)-1]}
		rep := append(append([]int{}, a[:len(a)-1]...), 1)
		out = append(out, [2][]int{a, a}, [2][]int{a, {}}, [2][]int{{1}, a}, [2][]int{a, last}, [2][]int{last, a},
			[2][]int{a, rep}, [2][]int{rep, a}, [2][]int{a, ones()}, [2][]int{ones(), a})
	}
	out = append(out, [2][]int{{1, 40, 40, 24}, {1, 40, 40, 24}}, [2][]int{{1, 28, 28, 17}, {17}}, [2][]int{{1, 9, 9, 300}, {1, 1, 1, 300}},
		[2][]int{{1, 30, 30, 7}, {1, 30, 30, 1}}, [2][]int{{3, 1, 700}, {1, 2, 1}}, [2][]int{{2, 0, 3}, {3}})
	return out
}

// TestEltwiseFastPaths compares the elementwise binary ops' loops
// (broadcast.runs, binaryVec, the ADD tables) with the generic broadcast
// path: each output element computed by the kernel's own per-element
// function on the inputs broadcast.each gives, for every profile, int8 and
// uint8, on random shapes.
func TestEltwiseFastPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 3))
	type opc struct {
		code tflite.BuiltinOperator
		opts func(act tflite.ActivationFunctionType) *tflite.BuiltinOptionsT
		bool bool // bool output
		i8   bool // int8 only
	}
	mulOpts := func(act tflite.ActivationFunctionType) *tflite.BuiltinOptionsT {
		return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsMulOptions, Value: &tflite.MulOptionsT{FusedActivationFunction: act}}
	}
	none := func(tflite.ActivationFunctionType) *tflite.BuiltinOptionsT { return nil }
	ops := []opc{
		{code: tflite.BuiltinOperatorADD, opts: addOpts}, {code: tflite.BuiltinOperatorSUB, opts: subOpts},
		{code: tflite.BuiltinOperatorMUL, opts: mulOpts},
		{code: tflite.BuiltinOperatorSQUARED_DIFFERENCE, opts: none, i8: true},
		{code: tflite.BuiltinOperatorMAXIMUM, opts: none}, {code: tflite.BuiltinOperatorMINIMUM, opts: none},
		{code: tflite.BuiltinOperatorLESS, opts: none, bool: true}, {code: tflite.BuiltinOperatorEQUAL, opts: none, bool: true},
	}
	seen := map[string]bool{}
	for _, sh := range eltwiseShapes(rng) {
		for _, op := range ops {
			for _, typ := range []DType{Int8, Uint8} {
				if op.i8 && typ == Uint8 {
					continue
				}
				bc, err := newBroadcast(sh[0], sh[1])
				if err != nil {
					t.Fatal(err)
				}
				s1 := float32(math.Ldexp(1+rng.Float64(), -1-rng.IntN(6)))
				s2 := s1
				if rng.IntN(3) > 0 {
					s2 = float32(math.Ldexp(1+rng.Float64(), -1-rng.IntN(6)))
				}
				so := float32(math.Max(float64(s1), float64(s2)) * (0.6 + 2*rng.Float64()))
				if op.code == tflite.BuiltinOperatorMAXIMUM || op.code == tflite.BuiltinOperatorMINIMUM {
					s2, so = s1, s1
				}
				zps := randInts(rng, typ, 3)
				x1 := randInts(rng, typ, numElements(sh[0]))
				x2 := randInts(rng, typ, numElements(sh[1]))
				in1 := tt{typ: ttype(typ), shape: sh[0], q: tfbuild.Q(s1, zps[0]), feed: encodeInts(typ, x1)}
				in2 := tt{typ: ttype(typ), shape: sh[1], q: tfbuild.Q(s2, zps[1]), feed: encodeInts(typ, x2)}
				out := tt{typ: ttype(typ), shape: bc.out, q: tfbuild.Q(so, zps[2])}
				if op.code == tflite.BuiltinOperatorMAXIMUM || op.code == tflite.BuiltinOperatorMINIMUM {
					in2.q, out.q = in1.q, in1.q
				}
				if op.bool {
					out = tt{typ: tflite.TensorTypeBOOL, shape: bc.out}
				}
				act := []tflite.ActivationFunctionType{actNone, actRelu}[rng.IntN(2)]
				m, err := Load(oneOp(op.code, op.opts(act), []tt{in1, in2}, out))
				if err != nil {
					t.Fatalf("%v %v %v: %v", op.code, typ, sh, err)
				}
				for _, p := range Profiles() {
					name := fmt.Sprintf("%v %v %v %v %v", op.code, typ, sh[0], sh[1], p)
					res, err := m.Run([][]byte{in1.feed, in2.feed}, Options{Profile: p})
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					got := res.Tensors[m.Outputs[0]]
					k := m.plans[p].kernels[0]
					seen[fmt.Sprintf("%v %T", op.code, k)] = true
					var f func(o, i1, i2 int) int64
					a, b := encodeInts(typ, x1), encodeInts(typ, x2)
					switch k := k.(type) {
					case *AddParams:
						f = func(_, i1, i2 int) int64 { return int64(k.quantized(int32(x1[i1]), int32(x2[i2]))) }
					case *SubParams:
						f = func(_, i1, i2 int) int64 { return int64(k.quantized(int32(x1[i1]), int32(x2[i2]))) }
					case *MulParams:
						f = func(_, i1, i2 int) int64 { return int64(k.quantized(int32(x1[i1]), int32(x2[i2]))) }
					case *xnnAddSub:
						f = func(_, i1, i2 int) int64 { return int64(k.value(int32(x1[i1]), int32(x2[i2]))) }
					case *xnnMul:
						f = func(_, i1, i2 int) int64 { return int64(k.value(int32(x1[i1]), int32(x2[i2]))) }
					case *SquaredDifferenceParams:
						f = func(_, i1, i2 int) int64 { _, _, _, v := k.quantized(int32(x1[i1]), int32(x2[i2])); return int64(v) }
					case *MaximumMinimumParams:
						f = func(_, i1, i2 int) int64 { return pickMaxMin(k.isMax, x1[i1], x2[i2]) }
					case *ComparisonParams:
						f = func(_, i1, i2 int) int64 { return int64(b2u(k.compare(a, b, i1, i2))) }
					default:
						t.Fatalf("%s: kernel %T", name, k)
					}
					want := make([]int64, numElements(bc.out))
					bc.each(func(o, i1, i2 int) { want[o] = f(o, i1, i2) })
					gotV := decodeInts(typ, got)
					if op.bool {
						gotV = decodeInts(Uint8, got)
					}
					for o := range want {
						if gotV[o] != want[o] {
							t.Fatalf("%s: element %d: got %d, want %d", name, o, gotV[o], want[o])
						}
					}
				}
			}
		}
	}
	t.Logf("kernels: %v", seen)
}

// TestBroadcastRuns checks that runs covers every output element once, in
// order, reading the inputs each reads.
func TestBroadcastRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for _, sh := range eltwiseShapes(rng) {
		bc, err := newBroadcast(sh[0], sh[1])
		if err != nil {
			t.Fatal(err)
		}
		var w1, w2 []int
		bc.each(func(_, i1, i2 int) { w1, w2 = append(w1, i1), append(w2, i2) })
		next := 0
		bc.runs(func(o, i1, i2, n int, step1, step2 bool) {
			if o != next || n <= 0 {
				t.Fatalf("%v %v: run at %d (n %d), want %d", sh[0], sh[1], o, n, next)
			}
			for k := range n {
				j1, j2 := i1, i2
				if step1 {
					j1 += k
				}
				if step2 {
					j2 += k
				}
				if j1 != w1[o+k] || j2 != w2[o+k] {
					t.Fatalf("%v %v: element %d reads %d,%d, want %d,%d", sh[0], sh[1], o+k, j1, j2, w1[o+k], w2[o+k])
				}
			}
			next += n
		})
		if next != len(w1) {
			t.Fatalf("%v %v: runs cover %d of %d elements", sh[0], sh[1], next, len(w1))
		}
	}
}

// TestUnaryTables compares the int8 unary ops that look their values up in
// a table of all 256 (unaryBytes) with their per-element function, on
// tensors below and above unaryTableMin.
func TestUnaryTables(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	checked := 0
	for _, code := range []tflite.BuiltinOperator{tflite.BuiltinOperatorLOGISTIC, tflite.BuiltinOperatorTANH, tflite.BuiltinOperatorABS} {
		for _, n := range []int{7, 511, 512, 1999} {
			s1 := float32(math.Ldexp(1+rng.Float64(), -1-rng.IntN(6)))
			zps := randInts(rng, Int8, 2)
			x := randInts(rng, Int8, n)
			out := tt{typ: tflite.TensorTypeINT8, shape: []int{n}, q: tfbuild.Q(float32(math.Ldexp(1+rng.Float64(), -1-rng.IntN(6))), zps[1])}
			switch code {
			case tflite.BuiltinOperatorLOGISTIC:
				out.q = tfbuild.Q(1.0/256, -128)
			case tflite.BuiltinOperatorTANH:
				out.q = tfbuild.Q(1.0/128, 0)
			}
			in := tt{typ: tflite.TensorTypeINT8, shape: []int{n}, q: tfbuild.Q(s1, zps[0]), feed: encodeInts(Int8, x)}
			m, err := Load(oneOp(code, nil, []tt{in}, out))
			if err != nil {
				t.Fatalf("%v: %v", code, err)
			}
			for _, p := range Profiles() {
				res, err := m.Run([][]byte{in.feed}, Options{Profile: p})
				if err != nil {
					t.Fatalf("%v %v: %v", code, p, err)
				}
				got := decodeInts(Int8, res.Tensors[m.Outputs[0]])
				var f func(x int32) int32
				switch k := m.plans[p].kernels[0].(type) {
				case *LogisticParams:
					f = func(x int32) int32 { return k.int8Value(k.inputScale(), x) }
				case *AbsParams:
					f = func(x int32) int32 { _, o := k.value(x); return o }
				default:
					continue // another profile's kernel (XNNPACK's own table)
				}
				checked++
				for i := range got {
					if want := int64(f(int32(x[i]))); got[i] != want {
						t.Fatalf("%v %v n=%d: element %d (x=%d): got %d, want %d", code, p, n, i, x[i], got[i], want)
					}
				}
			}
		}
	}
	if checked < 12 {
		t.Fatalf("checked %d runs", checked)
	}
}

// TestQuantizeTables compares int8/uint8 → int8/uint8/int16 QUANTIZE
// through mapBytes' table with its per-element requantization.
func TestQuantizeTables(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	checked := 0
	for _, types := range [][2]DType{{Int8, Int8}, {Uint8, Uint8}, {Int8, Uint8}, {Uint8, Int8}, {Int8, Int16}} {
		for _, n := range []int{5, 511, 512, 1777} {
			x := randInts(rng, types[0], n)
			zps := randInts(rng, types[1], 1)
			if types[1] == Int16 {
				zps[0] = 0
			}
			si := float32(math.Ldexp(1+rng.Float64(), -1-rng.IntN(6)))
			so := si * float32(0.3+2*rng.Float64())
			in := tt{typ: ttype(types[0]), shape: []int{n}, q: tfbuild.Q(si, randInts(rng, types[0], 1)[0]), feed: encodeInts(types[0], x)}
			out := tt{typ: ttype(types[1]), shape: []int{n}, q: tfbuild.Q(so, zps[0])}
			m, err := Load(oneOp(tflite.BuiltinOperatorQUANTIZE, nil, []tt{in}, out))
			if err != nil {
				t.Fatalf("%v: %v", types, err)
			}
			for _, p := range Profiles() {
				res, err := m.Run([][]byte{in.feed}, Options{Profile: p})
				if err != nil {
					t.Fatalf("%v %v: %v", types, p, err)
				}
				got := decodeInts(types[1], res.Tensors[m.Outputs[0]])
				var f func(x int32) int32
				switch k := m.plans[p].kernels[0].(type) {
				case *QuantizeParams:
					f = k.requantize
				case *xnnConvert:
					f = k.convert
				default:
					t.Fatalf("%v %v: kernel %T", types, p, k)
				}
				checked++
				for i := range got {
					if want := int64(f(int32(x[i]))); got[i] != want {
						t.Fatalf("%v %v n=%d: element %d (x=%d): got %d, want %d", types, p, n, i, x[i], got[i], want)
					}
				}
			}
		}
	}
	t.Logf("%d runs checked", checked)
}

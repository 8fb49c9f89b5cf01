package engine

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func svdfOpts(rank int32, act tflite.ActivationFunctionType) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSVDFOptions, Value: &tflite.SVDFOptionsT{Rank: rank, FusedActivationFunction: act}}
}

// svdfInt8Inputs is a B=1, I=2, F=2, rank 1, M=3 int8 SVDF whose effective
// scales are exactly 1 (s_state = 0.25·2^-k, s_out = s_state·0.5), so the
// expected values below are plain integer arithmetic.
func svdfInt8Inputs(k int, x []int8, stateType tflite.TensorType) ([]tt, tt) {
	sState := float32(0.25) / float32(int(1)<<k)
	state := tt{typ: stateType, shape: []int{1, 6}, q: tfbuild.Q(sState, 0), variable: true}
	wt := tt{typ: stateType, shape: []int{2, 3}, q: tfbuild.Q(0.5, 0)}
	if stateType == tflite.TensorTypeINT16 {
		state.data = tfbuild.I16(10, 20, 30, -1, -2, -3)
		wt.data = tfbuild.I16(1, -1, 2, 3, 0, -2)
	} else {
		state.data = tfbuild.I8(10, 20, 30, -1, -2, -3)
		wt.data = tfbuild.I8(1, -1, 2, 3, 0, -2)
	}
	return []tt{
		{typ: tflite.TensorTypeINT8, shape: []int{1, 2}, q: tfbuild.Q(0.5, 3), feed: tfbuild.I8(x...)},
		{typ: tflite.TensorTypeINT8, shape: []int{2, 2}, q: tfbuild.Q(0.5, 0), data: tfbuild.I8(1, 2, -3, 4)},
		wt,
		{typ: tflite.TensorTypeINT32, shape: []int{2}, q: tfbuild.Q(sState*0.5, 0), data: tfbuild.I32(100, -5)},
		state,
	}, tt{typ: tflite.TensorTypeINT8, shape: []int{1, 2}, q: tfbuild.Q(sState*0.5, -10)}
}

func TestSVDFInt8(t *testing.T) {
	relu := tflite.ActivationFunctionTypeRELU
	for _, tc := range []struct {
		name      string
		k         int
		x         []int8
		stateType tflite.TensorType
		want      []int8
		wantState []int16
		wantAcc   []int64
	}{
		// in − 3 = [2, −4]; feature dots: f0 = 2 − 8 = −6, f1 = −6 − 16 = −22.
		// state shifted left one element: [20 30 −1 | −2 −3 −3], newest column
		// written: [20 30 −6 | −2 −3 −22]. Time: f0 = 20 − 30 − 12 = −22,
		// f1 = −6 + 0 + 44 = 38; + bias → 78, 33; + out zp −10 → 68, 23.
		{"int16 state", 0, []int8{5, -1}, tflite.TensorTypeINT16, []int8{68, 23}, []int16{20, 30, -6, -2, -3, -22}, []int64{78, 33}},
		{"int8 state", 0, []int8{5, -1}, tflite.TensorTypeINT8, []int8{68, 23}, []int16{20, 30, -6, -2, -3, -22}, []int64{78, 33}},
		// Scale 1 = 1024: dots −138·1024 and −896·1024 saturate the int16
		// state at −32768. Time: f0 = 20 − 30 − 65536 = −65546, f1 = −6 +
		// 65536 = 65530; + bias, + zp → −65456 → −128 and 65515 → 127.
		{"saturation", 10, []int8{127, -128}, tflite.TensorTypeINT16, []int8{-128, 127}, []int16{20, 30, -32768, -2, -3, -32768}, []int64{-65446, 65525}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ins, out := svdfInt8Inputs(tc.k, tc.x, tc.stateType)
			got, res, err := runOneOp(tflite.BuiltinOperatorSVDF, svdfOpts(1, relu), ins, out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tfbuild.I8(tc.want...)) {
				t.Fatalf("output %v, want %v", AsInt8(alignedCopy(got)), tc.want)
			}
			state := Values(DType(tc.stateType), res.Tensors[4])
			for i, w := range tc.wantState {
				if state[i] != float64(w) {
					t.Fatalf("state %v, want %v", state, tc.wantState)
				}
			}
			if acc := res.Trace.Ops[0].Acc; len(acc) != 2 || acc[0] != tc.wantAcc[0] || acc[1] != tc.wantAcc[1] {
				t.Fatalf("acc %v, want %v", acc, tc.wantAcc)
			}
			e, err := res.Explain(0, 1)
			if err != nil {
				t.Fatal(err)
			}
			if e.Value != int64(tc.want[1]) || e.TermsTotal != 3 || len(e.Terms) != 3 || e.Terms[2].Product != int64(tc.wantState[5])*-2 {
				t.Fatalf("explanation %+v", e)
			}
		})
	}
}

// TestSVDFRank2 has B=2, I=1, F=2, rank 2 (one unit), M=2, no bias and a
// zeroed state; all scales are 1.
func TestSVDFRank2(t *testing.T) {
	q := tfbuild.Q(1, 0)
	ins := []tt{
		{typ: tflite.TensorTypeINT8, shape: []int{2, 1}, q: q, feed: tfbuild.I8(3, -2)},
		{typ: tflite.TensorTypeINT8, shape: []int{2, 1}, q: q, data: tfbuild.I8(2, -1)},
		{typ: tflite.TensorTypeINT16, shape: []int{2, 2}, q: q, data: tfbuild.I16(5, 7, 1, -1)},
		{absent: true},
		{typ: tflite.TensorTypeINT16, shape: []int{2, 4}, q: q, variable: true},
	}
	// b0: f0 = 6, f1 = −3 → 7·6 + (−1)·(−3) = 45; b1: f0 = −4, f1 = 2 → −28 − 2 = −30.
	got, res, err := runOneOp(tflite.BuiltinOperatorSVDF, svdfOpts(2, tflite.ActivationFunctionTypeNONE), ins,
		tt{typ: tflite.TensorTypeINT8, shape: []int{2, 1}, q: q})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, tfbuild.I8(45, -30)) {
		t.Fatalf("output %v, want [45 -30]", AsInt8(alignedCopy(got)))
	}
	if !bytes.Equal(res.Tensors[3], tfbuild.I16(0, 6, 0, -3, 0, -4, 0, 2)) {
		t.Fatalf("state %v", AsInt16(res.Tensors[3]))
	}
}

func TestSVDFFloat(t *testing.T) {
	f32 := tflite.TensorTypeFLOAT32
	ins := []tt{
		{typ: f32, shape: []int{1, 2}, feed: tfbuild.F32(1, 2)},
		{typ: f32, shape: []int{2, 2}, data: tfbuild.F32(0.5, 1, -1, 0.25)},
		{typ: f32, shape: []int{2, 2}, data: tfbuild.F32(1, 2, 0.5, 2)},
		{typ: f32, shape: []int{2}, data: tfbuild.F32(0.5, -3)},
		{typ: f32, shape: []int{1, 4}, variable: true, data: tfbuild.F32(1, 2, 3, 4)},
	}
	// features 2.5, −0.5; state [2 2.5 | 4 −0.5]; time 2 + 5 = 7, 2 − 1 = 1;
	// + bias 7.5, −2; RELU → 7.5, 0.
	got, res, err := runOneOp(tflite.BuiltinOperatorSVDF, svdfOpts(1, tflite.ActivationFunctionTypeRELU), ins, tt{typ: f32, shape: []int{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, tfbuild.F32(7.5, 0)) || !bytes.Equal(res.Tensors[4], tfbuild.F32(2, 2.5, 4, -0.5)) {
		t.Fatalf("output %v, state %v", AsFloat32(got), AsFloat32(res.Tensors[4]))
	}
}

func TestSVDFErrors(t *testing.T) {
	relu := tflite.ActivationFunctionTypeRELU
	mod := func(f func(ins []tt, out *tt)) ([]tt, tt) {
		ins, out := svdfInt8Inputs(0, []int8{0, 0}, tflite.TensorTypeINT16)
		f(ins, &out)
		return ins, out
	}
	for _, tc := range []struct {
		name    string
		opts    *tflite.BuiltinOptionsT
		f       func(ins []tt, out *tt)
		wantErr string
	}{
		{"rank 0", svdfOpts(0, relu), func([]tt, *tt) {}, "positive rank"},
		{"rank does not divide", svdfOpts(3, relu), func([]tt, *tt) {}, "divide by rank"},
		{"no options", nil, func([]tt, *tt) {}, "positive rank"},
		{"state not variable", svdfOpts(1, relu), func(ins []tt, _ *tt) { ins[4].variable = false }, "variable"},
		{"bias scale", svdfOpts(1, relu), func(ins []tt, _ *tt) { ins[3].q = tfbuild.Q(1, 0) }, "bias tensor"},
		{"state type", svdfOpts(1, relu), func(ins []tt, _ *tt) {
			ins[4].typ, ins[4].data = tflite.TensorTypeINT8, tfbuild.I8(0, 0, 0, 0, 0, 0)
		}, "not supported"},
		{"output shape", svdfOpts(1, relu), func(_ []tt, out *tt) { out.shape = []int{1, 3} }, "computes [1 2]"},
		{"state shape", svdfOpts(1, relu), func(ins []tt, _ *tt) { ins[4].shape, ins[4].data = []int{1, 3}, tfbuild.I16(0, 0, 0) }, "state shape"},
		{"tanh", svdfOpts(1, tflite.ActivationFunctionTypeTANH), func([]tt, *tt) {}, "fused activation"},
		{"no quantization", svdfOpts(1, relu), func(ins []tt, _ *tt) { ins[0].q = nil }, "no quantization"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ins, out := mod(tc.f)
			_, _, err := runOneOp(tflite.BuiltinOperatorSVDF, tc.opts, ins, out)
			if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.wantErr)) {
				t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

// TestSVDFInt8StateZeroPoint: an int8 state starts at its zero point (TFLite
// Micro's ResetTensorData), and the newest state value is the clamped
// feature product plus the zero point, wrapped to int8 (svdf_common.cc adds
// the zero point after the clamp). B = I = F = 1, memory 2, every scale
// exactly 1 (Scale1 = 1·1/1, Scale2 = 1·0.5/0.5), weights_time [1 1].
// tflite-xnnpack refuses it: TFLite reads the int8 state as int16.
func TestSVDFInt8StateZeroPoint(t *testing.T) {
	for _, tc := range []struct {
		name      string
		x, zp     int8
		wantState []int8
		wantOut   int8
	}{
		// dot 100, + zp −50 = 50; state [−50 50]; time (−50+50) + (50+50) = 100.
		{"in range", 100, -50, []int8{-50, 50}, 100},
		// dot 100, + zp 50 = 150 → int8 −106; time (50−50) + (−106−50) = −156 → −128.
		{"wraps high", 100, 50, []int8{50, -106}, -128},
		// dot −100, − 50 = −150 → int8 106;
		// time (−50+50) + (106+50) = 156 → 127.
		{"wraps low", -100, -50, []int8{-50, 106}, 127},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ins := []tt{
				{typ: tflite.TensorTypeINT8, shape: []int{1, 1}, q: tfbuild.Q(1, 0), feed: tfbuild.I8(tc.x)},
				{typ: tflite.TensorTypeINT8, shape: []int{1, 1}, q: tfbuild.Q(1, 0), data: tfbuild.I8(1)},
				{typ: tflite.TensorTypeINT8, shape: []int{1, 2}, q: tfbuild.Q(0.5, 0), data: tfbuild.I8(1, 1)},
				{typ: tflite.TensorTypeINT32, shape: []int{1}, q: tfbuild.Q(0.5, 0), data: tfbuild.I32(0)},
				{typ: tflite.TensorTypeINT8, shape: []int{1, 2}, q: tfbuild.Q(1, int64(tc.zp)), variable: true},
			}
			out := tt{typ: tflite.TensorTypeINT8, shape: []int{1, 1}, q: tfbuild.Q(0.5, 0)}
			m, err := Load(oneOp(tflite.BuiltinOperatorSVDF, svdfOpts(1, tflite.ActivationFunctionTypeRELU), ins, out))
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []Profile{Reference, SingleRounding} {
				res, err := m.Run([][]byte{ins[0].feed}, Options{Profile: p})
				if err != nil {
					t.Fatal(err)
				}
				if got := AsInt8(res.Tensors[m.Outputs[0]])[0]; got != tc.wantOut {
					t.Errorf("%s: output %d, want %d", p, got, tc.wantOut)
				}
				if got := AsInt8(res.Tensors[4]); got[0] != tc.wantState[0] || got[1] != tc.wantState[1] {
					t.Errorf("%s: state %v, want %v", p, got, tc.wantState)
				}
			}
			_, err = m.Run([][]byte{ins[0].feed}, Options{Profile: XNNPack})
			if err == nil || !strings.Contains(err.Error(), "reads both as int16") {
				t.Errorf("tflite-xnnpack: err = %v, want the int8-state refusal", err)
			}
		})
	}
}

// TestSVDFHybridHand: input [1 −0.5], weights_feature [2 4] (int8, scale
// 0.25), weights_time [3 −1] (int8, scale 0.5), memory 2, rank 1,
// symmetric. The row's range is 1: scale 1/127, q = [127 −64] (−63.5
// rounds away); dot 254 − 256 = −2; the newest state column is
// float32(−2)·float32(0.25/127) = v; the time step over [0 v] with weights
// [1.5 −0.5] gives −0.5·v. Two runs: the state persists, so the second run
// sees [v v] and gives 1.5·v − 0.5·v.
func TestSVDFHybridHand(t *testing.T) {
	f32, i8 := tflite.TensorTypeFLOAT32, tflite.TensorTypeINT8
	x := tfbuild.F32(1, -0.5)
	ins := []tt{
		{typ: f32, shape: []int{1, 2}, feed: x},
		{typ: i8, shape: []int{1, 2}, q: tfbuild.Q(0.25, 0), data: tfbuild.I8(2, 4)},
		{typ: i8, shape: []int{1, 2}, q: tfbuild.Q(0.5, 0), data: tfbuild.I8(3, -1)},
		{absent: true},
		{typ: f32, shape: []int{1, 2}, variable: true},
	}
	got, res, err := runOneOp(tflite.BuiltinOperatorSVDF, svdfOpts(1, tflite.ActivationFunctionTypeNONE), ins, tt{typ: f32, shape: []int{1, 1}})
	if err != nil {
		t.Fatal(err)
	}
	v := float32(-2) * (float32(1) / 127 * 0.25)
	if out := AsFloat32(got)[0]; out != -0.5*v {
		t.Errorf("output %v, want %v", out, -0.5*v)
	}
	if tr := res.Trace.Ops[0]; tr.Hybrid == nil || tr.Hybrid.RowScale[0] != float32(1)/127 || tr.Hybrid.Quantized[1] != -64 || tr.Acc[0] != -2 {
		t.Errorf("trace %+v acc %v", tr.Hybrid, tr.Acc)
	}
	r2, err := res.Model.Run([][]byte{x}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out := AsFloat32(r2.Tensors[res.Model.Outputs[0]])[0]; out != float32(1.5*v)+float32(-0.5*v) {
		t.Errorf("second run %v, want %v", out, float32(1.5*v)+float32(-0.5*v))
	}
}

// svdfIntPlain is EvalIntegerSvdfReference's loops as written, that
// svdfInt's reordered sums must equal. It returns the time accumulators
// (bias included), per batch and unit.
func svdfIntPlain[T int8 | int16](p *SVDFParams, r *run, wt, state []T) []int64 {
	B, I, F, M := p.Batches, p.InputSize, p.Filters, p.Memory
	in, wf := r.i8(p.in), r.i8(p.wf)
	if len(state) > 0 {
		copy(state, state[1:])
	}
	for b := range B {
		x := in[b*I : (b+1)*I]
		for f := range F {
			var dot int32
			for i, v := range x {
				dot += int32(wf[f*I+i]) * (int32(v) - p.InputZeroPoint)
			}
			v := clamp(p.Scale1.apply(dot), p.StateMin, p.StateMax) + p.StateZeroPoint
			state[(b*F+f)*M+M-1] = T(v)
		}
	}
	var bias []int32
	if p.bias >= 0 {
		bias = r.i32(p.bias)
	}
	out := r.i8(p.out)
	var accs []int64
	for b := range B {
		for u := range p.Units {
			var acc int32
			for f := u * p.Rank; f < (u+1)*p.Rank; f++ {
				for m := range M {
					acc += int32(wt[f*M+m]) * (int32(state[(b*F+f)*M+m]) - p.StateZeroPoint)
				}
			}
			if bias != nil {
				acc += bias[u]
			}
			accs = append(accs, int64(acc))
			out[b*p.Units+u] = int8(clamp(p.Scale2.apply(acc)+p.OutputZeroPoint, p.ActMin, p.ActMax))
		}
	}
	return accs
}

// TestSVDFIntRandom compares svdfInt with svdfIntPlain (the reference's
// loops) and with svdfIntOld (the previous kernel, svdf_bench_test.go) on
// random sizes (rank, units, memory — memory 8 at rank 1 takes the
// unrolled path —, input size, batches), zero points (the int8 edges
// included), scales and values, int16 and int8 states, with and without
// the prepared constants, with and without the trace's accumulators, the
// state carried over several steps.
func TestSVDFIntRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	bytesOf := func(n, size int) []byte {
		b := alignedBytes(n * size)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	zp := func() int32 {
		switch rng.IntN(4) {
		case 0:
			return -128
		case 1:
			return 127
		}
		return int32(rng.IntN(256) - 128)
	}
	for it := range 600 {
		rank := 1 + rng.IntN(3)
		p := &SVDFParams{Rank: rank, Batches: 1 + rng.IntN(3), InputSize: 1 + rng.IntN(40), Units: 1 + rng.IntN(9), Memory: 1 + rng.IntN(12),
			InputZeroPoint: zp(), OutputZeroPoint: zp(), ActMin: -128, ActMax: 127,
			in: 0, wf: 1, wt: 2, bias: 3, state: 4, out: 5, typ: Int8, stateType: Int16}
		switch rng.IntN(4) {
		case 0: // the unrolled rank-1, memory-8 path
			p.Rank, p.Memory = 1, 8
		case 1: // whole steps of eight
			p.Memory = 8 * (1 + rng.IntN(4)) / p.Rank
		}
		if rng.IntN(4) == 0 {
			p.Units = 1 + rng.IntN(70)
		}
		p.Filters = p.Units * p.Rank
		q1, q2 := newRequant(math.Ldexp(0.5+rng.Float64()/2, -rng.IntN(20))), newRequant(math.Ldexp(0.5+rng.Float64()/2, -rng.IntN(20)))
		if it%3 == 0 {
			q1, q2 = newRequant(math.Ldexp(0.5+rng.Float64()/2, rng.IntN(4))), newRequant(math.Ldexp(0.5+rng.Float64()/2, -rng.IntN(24)))
		}
		if rng.IntN(3) == 0 {
			q1.Rounding, q2.Rounding = RoundSingle, RoundSingle
		}
		p.Scale1, p.Scale2 = &q1, &q2
		size := 2
		p.StateMin, p.StateMax = -32768, 32767
		if it%2 == 1 {
			p.stateType, size = Int8, 1
			p.StateMin, p.StateMax = -128, 127
			p.StateZeroPoint = zp()
		} else if rng.IntN(4) == 0 {
			p.StateZeroPoint = int32(rng.IntN(2001) - 1000)
		}
		if it%5 == 0 {
			p.bias = -1
		}
		vals := [][]byte{bytesOf(p.Batches*p.InputSize, 1), bytesOf(p.Filters*p.InputSize, 1), bytesOf(p.Filters*p.Memory, size),
			bytesOf(p.Units, 4), bytesOf(p.Batches*p.Filters*p.Memory, size), bytesOf(p.Batches*p.Units, 1)}
		for i := range AsInt32(vals[3]) {
			AsInt32(vals[3])[i] >>= rng.IntN(16)
		}
		// Half the old kernel's cases with its prepared constants too.
		var wfSum []int32
		if it%4 < 2 { // as prepareSVDF does for constant weights_feature
			p.featAdd = svdfFeatAdd(p, AsInt8(vals[1]))
			wfSum = rowSums(p.Filters, p.InputSize, AsInt8(vals[1]), nil)
			g := &gemmWeights{w: AsInt8(vals[1])}
			g.packRows(p.Filters, p.InputSize)
			p.wfPacked = g.packed
		}
		if rng.IntN(2) == 0 { // as prepareSVDF does for constant weights_time and bias
			var bias []int32
			if p.bias >= 0 {
				bias = AsInt32(vals[3])
			}
			if p.stateType == Int16 {
				p.unitAdd = svdfUnitAdd(p, AsInt16(vals[2]), bias)
			} else {
				p.unitAdd = svdfUnitAdd(p, AsInt8(vals[2]), bias)
			}
		}
		if rng.IntN(2) == 0 {
			m1, m2 := newSVDFRequant(q1), newSVDFRequant(q2)
			p.q1, p.q2 = &m1, &m2
		}
		runs := make([]*run, 3)
		for i := range runs {
			v := make([][]byte, len(vals))
			for j, x := range vals {
				v[j] = bytes.Clone(x)
			}
			runs[i] = &run{vals: v}
		}
		got, want, old := runs[0], runs[1], runs[2]
		for step := range 6 {
			tracing := rng.IntN(2) == 0
			if tracing {
				got.tr = &OpTrace{}
			} else {
				got.tr = nil
			}
			var accs []int64
			if p.stateType == Int16 {
				svdfInt(p, got, got.i16(p.wt), got.i16(p.state))
				accs = svdfIntPlain(p, want, want.i16(p.wt), want.i16(p.state))
				svdfIntOld(p, old, old.i16(p.wt), old.i16(p.state), wfSum)
			} else {
				svdfInt(p, got, got.i8(p.wt), got.i8(p.state))
				accs = svdfIntPlain(p, want, want.i8(p.wt), want.i8(p.state))
				svdfIntOld(p, old, old.i8(p.wt), old.i8(p.state), wfSum)
			}
			for i := range vals {
				if !bytes.Equal(got.vals[i], want.vals[i]) || !bytes.Equal(got.vals[i], old.vals[i]) {
					t.Fatalf("case %d step %d (%s): tensor %d differs: %v, reference %v, previous kernel %v", it, step, svdfCase(p), i,
						got.vals[i], want.vals[i], old.vals[i])
				}
			}
			if tracing && !slices.Equal(got.tr.Acc, accs) {
				t.Fatalf("case %d step %d (%s): accumulators %v, want %v", it, step, svdfCase(p), got.tr.Acc, accs)
			}
			// The next step's input.
			for i := range got.vals[0] {
				x := byte(rng.Uint32())
				got.vals[0][i], want.vals[0][i], old.vals[0][i] = x, x, x
			}
		}
	}
}

// svdfCase describes a random case of TestSVDFIntRandom.
func svdfCase(p *SVDFParams) string {
	return fmt.Sprintf("rank %d, batches %d, input %d, units %d, memory %d, zero points in %d state %d out %d, scales %+v %+v, state %v, bias %v, prepared feature %v time %v scales %v",
		p.Rank, p.Batches, p.InputSize, p.Units, p.Memory, p.InputZeroPoint, p.StateZeroPoint, p.OutputZeroPoint, *p.Scale1, *p.Scale2,
		p.stateType, p.bias >= 0, p.featAdd != nil, p.unitAdd != nil, p.q1 != nil)
}

// TestSVDFRequant checks svdfRequant's branch-free form against
// quantMul.apply and Requant.apply, both roundings, over random multipliers,
// shifts (−31…30) and values, the int32 edges included.
func TestSVDFRequant(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	xs := []int32{math.MinInt32, math.MinInt32 + 1, -1, 0, 1, math.MaxInt32 - 1, math.MaxInt32}
	for it := range 20000 {
		q := Requant{Multiplier: int32(1<<30 + rng.IntN(1<<30)), Shift: rng.IntN(62) - 31, Rounding: RoundDouble}
		if it%7 == 0 {
			q.Multiplier = math.MaxInt32
		}
		if it%2 == 1 {
			q.Rounding = RoundSingle
		}
		qm, sq := newQuantMul(q), newSVDFRequant(q)
		for k := range 20 {
			x := int32(rng.Uint32()) >> rng.IntN(32)
			if k < len(xs) {
				x = xs[k]
			}
			if got, want := sq.apply(x), qm.apply(x); got != want || got != q.apply(x) {
				t.Fatalf("%+v applied to %d: %d, quantMul %d, Requant %d", q, x, got, want, q.apply(x))
			}
		}
	}
}

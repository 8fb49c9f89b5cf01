package engine_test

// Tests that pin arithmetic the other tests did not notice when broken
// (issue 8): an FC filter zero point ≠ 0, TFLite's roundf ties, and the
// single rounding of TFLite's builtin (ruy) FC and CONV_2D under
// tflite-xnnpack. Their expected values are worked out by hand or
// re-derived in big-integer arithmetic here, never by the engine.

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// TestFullyConnectedFilterZeroPoint: int8 and uint8 FULLY_CONNECTED with a
// filter zero point of 3 (asymmetric weights, as in QAT models), by hand.
// Scales 0.5·0.25/1 make the multiplier exactly 1/8, so every profile
// agrees: acc = Σ (x − 1)·(w − 3) + bias.
//
//	x − 1 = [4, 0]; row 0: w − 3 = [4, −4], acc = 16 + bias 8 = 24 → 3
//	                row 1: w − 3 = [0, 8],  acc = 0 − bias 16 = −16 → −2
//
// (With the zero point added instead of subtracted: 6 and 1.)
func TestFullyConnectedFilterZeroPoint(t *testing.T) {
	for _, c := range []struct {
		typ          tflite.TensorType
		in, w, want  []byte
		inZP, wZP    int64
		outZP        int64
		wantExplainW int32
	}{
		{tflite.TensorTypeINT8, tfbuild.I8(5, 1), tfbuild.I8(7, -1, 3, 11), tfbuild.I8(3, -2), 1, 3, 0, -3},
		{tflite.TensorTypeUINT8, []byte{133, 129}, []byte{135, 127, 131, 139}, []byte{131, 126}, 129, 131, 128, -131},
	} {
		ins := []xt{
			{typ: c.typ, shape: []int{1, 2}, q: tfbuild.Q(0.5, c.inZP), feed: c.in},
			{typ: c.typ, shape: []int{2, 2}, q: tfbuild.Q(0.25, c.wZP), data: c.w},
			{typ: tflite.TensorTypeINT32, shape: []int{2}, q: tfbuild.Q(0.125, 0), data: tfbuild.I32(8, -16)},
		}
		out := xt{typ: c.typ, shape: []int{1, 2}, q: tfbuild.Q(1, c.outZP)}
		for _, p := range engine.Profiles() {
			res := runOneOp(t, p, tflite.BuiltinOperatorFULLY_CONNECTED, nil, ins, out)
			if got := res.Tensors[res.Model.Outputs[0]]; string(got) != string(c.want) {
				t.Errorf("%v %s: got %v, want %v", c.typ, p, got, c.want)
			}
			e, err := res.Explain(0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(e.Terms) != 2 || e.Terms[0].FilterOffset != c.wantExplainW || e.Terms[0].Product != 16 {
				t.Errorf("%v %s: explained terms %+v, want filter offset %d and first product 16", c.typ, p, e.Terms, c.wantExplainW)
			}
		}
	}
}

// quantizeMultiplier is TFLite's QuantizeMultiplier: real = q·2^shift with
// q in [0.5, 1) rounded half away from zero to Q0.31.
func quantizeMultiplier(real float64) (int32, int) {
	q, shift := math.Frexp(real)
	m := math.Round(q * (1 << 31))
	if m == 1<<31 {
		m /= 2
		shift++
	}
	return int32(m), shift
}

// singleRounding is TFLITE_SINGLE_ROUNDING's MultiplyByQuantizedMultiplier
// (ruy's requantization): floor((acc·M + 2^(30−shift)) / 2^(31−shift)).
func singleRounding(acc int64, m int32, shift int) int64 {
	n := new(big.Int).Mul(big.NewInt(acc), big.NewInt(int64(m)))
	n.Add(n, new(big.Int).Lsh(big.NewInt(1), uint(30-shift)))
	return n.Rsh(n, uint(31-shift)).Int64()
}

// doubleRounding is the reference MultiplyByQuantizedMultiplier:
// round(acc·2^left·M / 2^31) with ties toward +∞, then a right shift
// rounding half away from zero.
func doubleRounding(acc int64, m int32, shift int) int64 {
	left, right := uint(max(shift, 0)), uint(max(-shift, 0))
	n := new(big.Int).Mul(big.NewInt(int64(int32(acc<<left))), big.NewInt(int64(m)))
	n.Add(n, new(big.Int).Lsh(big.NewInt(1), 30))
	hm := n.Rsh(n, 31).Int64()
	if right == 0 {
		return hm
	}
	a := max(hm, -hm) + int64(1)<<(right-1)
	if hm < 0 {
		return -(a >> right)
	}
	return a >> right
}

// TestDoubleSingleRoundingHand checks the two references on the README's
// hello_world example: acc −572, M 1561796795, shift −6; the exact value is
// −6.49996, double rounding gives −7 (−416/64 = −6.5 away from zero), single
// rounding −6.
func TestDoubleSingleRoundingHand(t *testing.T) {
	if got := doubleRounding(-572, 1561796795, -6); got != -7 {
		t.Errorf("doubleRounding = %d, want -7", got)
	}
	if got := singleRounding(-572, 1561796795, -6); got != -6 {
		t.Errorf("singleRounding = %d, want -6", got)
	}
	if m, s := quantizeMultiplier(0.75); m != 3<<29 || s != 0 {
		t.Errorf("quantizeMultiplier(0.75) = %d, %d", m, s)
	}
}

// gemmCase is a random int8 GEMM-shaped op: inputs in [−128, 127], weights
// per output channel, an int32 bias, per-channel filter scales.
type gemmCase struct {
	in, w          []int8
	bias           []int32
	inS, outS      float32
	wS             []float32
	inZP, outZP    int64
	batches, depth int
	channels       int
}

// randomGemm draws small values and real multipliers in [0.12, 0.5), whose
// right shifts of 1 to 3 bits make the two roundings part often.
func randomGemm(rng *rand.Rand, batches, depth, channels int) *gemmCase {
	g := &gemmCase{batches: batches, depth: depth, channels: channels,
		inS: 0.01 + rng.Float32()*0.05, inZP: int64(rng.IntN(7) - 3), outZP: int64(rng.IntN(41) - 20)}
	g.outS = g.inS * 0.005 / (0.15 + rng.Float32()*0.3)
	for range batches * depth {
		g.in = append(g.in, int8(rng.IntN(17)-8))
	}
	for range channels * depth {
		g.w = append(g.w, int8(rng.IntN(17)-8))
	}
	for range channels {
		g.wS = append(g.wS, 0.004+rng.Float32()*0.002)
		g.bias = append(g.bias, int32(rng.IntN(41)-20))
	}
	return g
}

// want re-derives output (b, c) with round (single or double rounding).
func (g *gemmCase) want(b, c int, round func(int64, int32, int) int64) int64 {
	acc := int64(g.bias[c])
	for d := range g.depth {
		acc += (int64(g.in[b*g.depth+d]) - g.inZP) * int64(g.w[c*g.depth+d])
	}
	// TFLite: real multiplier in double from the float32 scales.
	m, s := quantizeMultiplier(float64(g.inS) * float64(g.wS[c]) / float64(g.outS))
	return min(max(round(acc, m, s)+g.outZP, -128), 127)
}

func (g *gemmCase) tensors() (in, w, bias xt) {
	bs := make([]float32, g.channels)
	for c := range bs {
		bs[c] = g.inS * g.wS[c]
	}
	zps := make([]int64, g.channels)
	in = xt{typ: tflite.TensorTypeINT8, q: tfbuild.Q(g.inS, g.inZP), feed: tfbuild.I8(g.in...)}
	w = xt{typ: tflite.TensorTypeINT8, q: &tfbuild.Quant{Scale: g.wS, ZeroPoint: zps}, data: tfbuild.I8(g.w...)}
	bias = xt{typ: tflite.TensorTypeINT32, shape: []int{g.channels}, q: &tfbuild.Quant{Scale: bs, ZeroPoint: zps}, data: tfbuild.I32(g.bias...)}
	return in, w, bias
}

// checkGemm compares got with the re-derivation under round and counts the
// elements where single and double rounding part (so that the test can
// tell them apart).
func (g *gemmCase) check(t *testing.T, name string, got []int8, round func(int64, int32, int) int64) (parted int) {
	t.Helper()
	for b := range g.batches {
		for c := range g.channels {
			want := g.want(b, c, round)
			if int64(got[b*g.channels+c]) != want {
				t.Errorf("%s: output [%d, %d] = %d, want %d", name, b, c, got[b*g.channels+c], want)
			}
			if g.want(b, c, singleRounding) != g.want(b, c, doubleRounding) {
				parted++
			}
		}
	}
	return parted
}

// TestXNNPackBuiltinFullyConnectedRoundsOnce: under tflite-xnnpack a
// per-channel int8 FULLY_CONNECTED is left to TFLite's builtin kernel, which
// multiplies through ruy and so rounds once; the reference profile rounds
// twice. Random models, each element re-derived in big integers.
func TestXNNPackBuiltinFullyConnectedRoundsOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	parted := 0
	for i := range 40 {
		g := randomGemm(rng, 2, 1+rng.IntN(4), 8)
		in, w, bias := g.tensors()
		in.shape, w.shape = []int{g.batches, g.depth}, []int{g.channels, g.depth}
		out := xt{typ: tflite.TensorTypeINT8, shape: []int{g.batches, g.channels}, q: tfbuild.Q(g.outS, g.outZP)}
		for _, p := range []engine.Profile{engine.XNNPack, engine.Reference, engine.SingleRounding} {
			res := runOneOp(t, p, tflite.BuiltinOperatorFULLY_CONNECTED, nil, []xt{in, w, bias}, out)
			round := singleRounding
			if p == engine.Reference {
				round = doubleRounding
			}
			n := g.check(t, fmt.Sprintf("%s case %d", p, i), engine.AsInt8(res.Tensors[res.Model.Outputs[0]]), round)
			if p == engine.XNNPack {
				parted += n
			}
		}
	}
	if parted == 0 {
		t.Fatal("no output where single and double rounding differ: the test cannot tell them apart")
	}
	t.Logf("%d outputs where the two roundings differ", parted)
}

// TestXNNPackDroppedDelegateConvRoundsOnce: when XNNPACK fails to create an
// operator (here an independent ADD whose RELU range is empty: output zero
// point 127), TFLite drops the delegate and CONV_2D runs its builtin kernel,
// through ruy: single rounding.
func TestXNNPackDroppedDelegateConvRoundsOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 2))
	parted := 0
	for range 30 {
		g := randomGemm(rng, 3, 1+rng.IntN(4), 6)
		in, w, bias := g.tensors()
		b := tfbuild.New()
		ti := b.Tensor("in", in.typ, []int{1, 1, g.batches, g.depth}, in.q, nil)
		tw := b.Tensor("w", w.typ, []int{g.channels, 1, 1, g.depth}, w.q, w.data)
		tb := b.Tensor("b", bias.typ, bias.shape, bias.q, bias.data)
		to := b.Tensor("out", tflite.TensorTypeINT8, []int{1, 1, g.batches, g.channels}, tfbuild.Q(g.outS, g.outZP), nil)
		b.Op(tflite.BuiltinOperatorCONV_2D, 1, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsConv2DOptions,
			Value: &tflite.Conv2DOptionsT{Padding: tflite.PaddingVALID, StrideW: 1, StrideH: 1, DilationWFactor: 1, DilationHFactor: 1}},
			[]int{ti, tw, tb}, []int{to})
		// The poison: ADD with RELU and output zero point 127.
		pa := b.Tensor("pa", tflite.TensorTypeINT8, []int{2}, tfbuild.Q(0.1, 0), nil)
		po := b.Tensor("po", tflite.TensorTypeINT8, []int{2}, tfbuild.Q(0.1, 127), nil)
		b.Op(tflite.BuiltinOperatorADD, 1, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsAddOptions,
			Value: &tflite.AddOptionsT{FusedActivationFunction: tflite.ActivationFunctionTypeRELU}}, []int{pa, pa}, []int{po})
		b.Inputs(ti, pa)
		b.Outputs(to, po)
		m, err := engine.Load(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if taken, _ := m.XNNPackDelegated(); taken[0] {
			t.Fatal("CONV_2D is delegated despite the poison ADD; the test needs the builtin kernel")
		}
		res, err := m.Run([][]byte{in.feed, tfbuild.I8(1, 2)}, engine.Options{Profile: engine.XNNPack})
		if err != nil {
			t.Fatal(err)
		}
		parted += g.check(t, "conv", engine.AsInt8(res.Tensors[to]), singleRounding)
	}
	if parted == 0 {
		t.Fatal("no output where single and double rounding differ: the test cannot tell them apart")
	}
	t.Logf("%d outputs where the two roundings differ", parted)
}

// TestXNNPackSoftmaxRoundfTie: TFLite's builtin int8 softmax (under
// tflite-xnnpack) rounds with roundf, ties away from zero. A row of 512
// equal inputs has table value expf(0) = 1 everywhere and a float32 sum of
// exactly 512, so each output is 1·(1/(512·(1/256))) = 0.5 exactly, which
// roundf takes to 1: 1 + zero point −128 = −127 (half to even would give
// −128).
func TestXNNPackSoftmaxRoundfTie(t *testing.T) {
	const n = 512
	feed := make([]int8, n)
	for i := range feed {
		feed[i] = 17
	}
	sm := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSoftmaxOptions, Value: &tflite.SoftmaxOptionsT{Beta: 1}}
	res := runOneOp(t, engine.XNNPack, tflite.BuiltinOperatorSOFTMAX, sm,
		[]xt{{typ: tflite.TensorTypeINT8, shape: []int{1, n}, q: tfbuild.Q(0.1, 0), feed: tfbuild.I8(feed...)}},
		xt{typ: tflite.TensorTypeINT8, shape: []int{1, n}, q: tfbuild.Q(1.0/256, -128)})
	for i, v := range engine.AsInt8(res.Tensors[res.Model.Outputs[0]]) {
		if v != -127 {
			t.Fatalf("output %d = %d, want -127 (roundf(0.5) = 1)", i, v)
		}
	}
}

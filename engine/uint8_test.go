package engine

import (
	"bytes"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Hand-derived tests of the uint8 paths (TF1 quantization-aware models).
// TFLite Micro runs no uint8 model, so the reference profile follows
// TFLite's own kernels (reference/*.h, and the lookup tables its reference
// and optimized LOGISTIC and TANH share); internal/difftest compares the
// tflite-xnnpack profile with the browser TFLite itself.

// u8 is a fed uint8 tensor.
func u8(shape []int, scale float32, zp int64, v ...byte) tt {
	return tt{typ: tflite.TensorTypeUINT8, shape: shape, q: tfbuild.Q(scale, zp), feed: v}
}

// u8out is a uint8 output tensor.
func u8out(shape []int, scale float32, zp int64) tt {
	return tt{typ: tflite.TensorTypeUINT8, shape: shape, q: tfbuild.Q(scale, zp)}
}

// runProfiles runs a one-op model under each profile of want and compares
// the output bytes.
func runProfiles(t *testing.T, code tflite.BuiltinOperator, opts *tflite.BuiltinOptionsT, ins []tt, out tt, want map[Profile][]byte) {
	t.Helper()
	m, err := Load(oneOp(code, opts, ins, out))
	if err != nil {
		t.Fatal(err)
	}
	var feeds [][]byte
	for _, x := range ins {
		if x.feed != nil {
			feeds = append(feeds, x.feed)
		}
	}
	for p, w := range want {
		res, err := m.Run(feeds, Options{Profile: p, Trace: true})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		got := res.Tensors[m.Outputs[0]]
		if !bytes.Equal(got, w) {
			t.Errorf("%s: got %v, want %v", p, got, w)
		}
		for i := range got {
			e, err := res.Explain(0, i)
			if err != nil {
				t.Fatalf("%s: explain %d: %v", p, i, err)
			}
			if e.Value != int64(got[i]) {
				t.Errorf("%s: element %d explained as %d, computed %d", p, i, e.Value, got[i])
			}
		}
	}
}

func every(b []byte) map[Profile][]byte {
	return map[Profile][]byte{Reference: b, SingleRounding: b, XNNPack: b}
}

// TestQuantizeUint8 is QUANTIZE uint8 → uint8 (TFLite's Requantize): the
// real multiplier s_in/s_out = 0.5/0.25 = 2 is exact; then 0.5 exactly,
// where MultiplyByQuantizedMultiplier gives 1 for +0.5 and 0 for −0.5
// (SaturatingRoundingDoublingHighMul's nudge), as do single rounding and
// XNNPACK's Q8 convert ((±128 + 128) >> 8).
func TestQuantizeUint8(t *testing.T) {
	runProfiles(t, tflite.BuiltinOperatorQUANTIZE, nil,
		[]tt{u8([]int{4}, 0.5, 128, 130, 0, 255, 128)}, u8out([]int{4}, 0.25, 100),
		every([]byte{104, 0, 255, 100}))
	runProfiles(t, tflite.BuiltinOperatorQUANTIZE, nil,
		[]tt{u8([]int{2}, 0.5, 128, 129, 127)}, u8out([]int{2}, 1, 100),
		every([]byte{101, 100}))
}

// TestSigmoidUint8 is LOGISTIC and TANH on uint8: TFLite's lookup tables
// (roundf in float32) in the reference, the same table in TFLite's
// builtin TANH, XNNPACK's sigmoid table for LOGISTIC. Input scale 1/16,
// zero point 128: 0, 7.9375, −8 and 0.5.
func TestSigmoidUint8(t *testing.T) {
	in := u8([]int{4}, 1.0/16, 128, 128, 255, 0, 136)
	// sigmoid: 0.5·256 = 128; 0.99964·256 = 255.9 → 255 after the clamp;
	// 0.000335·256 = 0.09 → 0; 0.6225·256 = 159.4 → 159.
	runProfiles(t, tflite.BuiltinOperatorLOGISTIC, nil, []tt{in}, u8out([]int{4}, 1.0/256, 0), every([]byte{128, 255, 0, 159}))
	// tanh: 128 + 128·(0, 0.99999975, −0.99999975, 0.46211716) =
	// 128, 256 → 255, 0, 187.15 → 187.
	runProfiles(t, tflite.BuiltinOperatorTANH, nil, []tt{in}, u8out([]int{4}, 1.0/128, 128), every([]byte{128, 255, 0, 187}))

	if _, err := Load(oneOp(tflite.BuiltinOperatorLOGISTIC, nil, []tt{in}, u8out([]int{4}, 1.0/256, 128))); err == nil {
		t.Error("uint8 LOGISTIC with output zero point 128 loaded; TFLite requires 0")
	}
}

// TestConcatenationUint8 is CONCATENATION of uint8 inputs quantized
// unlike the output: TFLite's kernel rescales (30 at scale 0.5, zero point
// 10 is 10.0, i.e. 10 at scale 1), XNNPACK's node copies the bytes.
func TestConcatenationUint8(t *testing.T) {
	opts := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsConcatenationOptions, Value: &tflite.ConcatenationOptionsT{Axis: 0}}
	ins := []tt{u8([]int{1}, 1, 0, 10), u8([]int{1}, 0.5, 10, 30)}
	runProfiles(t, tflite.BuiltinOperatorCONCATENATION, opts, ins, u8out([]int{2}, 1, 0), map[Profile][]byte{
		Reference: {10, 10}, SingleRounding: {10, 10}, XNNPack: {10, 30}})
}

// TestFullyConnectedUint8Rounding: acc 5 with real multiplier 1/4
// (QuantizeMultiplier: 2^30, shift −1) is 1.25. Double rounding
// (reference; TFLite's builtin uint8 kernel through gemmlowp) rounds 2.5
// up to 3, then 1.5 to 2; single rounding and XNNPACK's fp32 give 1. With
// the weights fed as an input the delegate leaves the op to the builtin
// kernel, which for uint8 is gemmlowp (ruy, single rounding, is int8's).
func TestFullyConnectedUint8Rounding(t *testing.T) {
	in := u8([]int{1, 1}, 1, 0, 5)
	w := tt{typ: tflite.TensorTypeUINT8, shape: []int{1, 1}, q: tfbuild.Q(1, 0), data: []byte{1}}
	out := u8out([]int{1, 1}, 4, 0)
	runProfiles(t, tflite.BuiltinOperatorFULLY_CONNECTED, nil, []tt{in, w, {absent: true}}, out, map[Profile][]byte{
		Reference: {2}, SingleRounding: {1}, XNNPack: {1}})
	w.data, w.feed = nil, []byte{1}
	runProfiles(t, tflite.BuiltinOperatorFULLY_CONNECTED, nil, []tt{in, w, {absent: true}}, out, map[Profile][]byte{
		Reference: {2}, SingleRounding: {1}, XNNPack: {2}})
}

// TestDepthwiseUint8XNNPack: XNNPACK's QU8 depthwise convolution
// requantizes in float32 with round half to even and clamps RELU6 to
// [zp, xnn_qu8_quantize(6)]; the reference rounds half away from zero.
// One tap: (x − 100)·(w − 128) = 10·1 = 10, scale 0.25·1/1 → 2.5 → 2
// (XNNPACK) or 3 (reference), plus zero point 10.
func TestDepthwiseUint8XNNPack(t *testing.T) {
	opts := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsDepthwiseConv2DOptions, Value: &tflite.DepthwiseConv2DOptionsT{
		Padding: tflite.PaddingVALID, StrideH: 1, StrideW: 1, DilationHFactor: 1, DilationWFactor: 1, DepthMultiplier: 1, FusedActivationFunction: tflite.ActivationFunctionTypeRELU6}}
	in := u8([]int{1, 1, 1, 1}, 0.25, 100, 110)
	w := tt{typ: tflite.TensorTypeUINT8, shape: []int{1, 1, 1, 1}, q: tfbuild.Q(1, 128), data: []byte{129}}
	bias := tt{typ: tflite.TensorTypeINT32, shape: []int{1}, q: tfbuild.Q(0.25, 0), data: tfbuild.I32(0)}
	runProfiles(t, tflite.BuiltinOperatorDEPTHWISE_CONV_2D, opts, []tt{in, w, bias}, u8out([]int{1, 1, 1, 1}, 1, 10), map[Profile][]byte{
		Reference: {13}, XNNPack: {12}})
	m, err := Load(oneOp(tflite.BuiltinOperatorDEPTHWISE_CONV_2D, opts, []tt{in, w, bias}, u8out([]int{1, 1, 1, 1}, 1, 10)))
	if err != nil {
		t.Fatal(err)
	}
	if taken, why := m.XNNPackDelegated(); !taken[0] {
		t.Errorf("the XNNPACK delegate should take uint8 DEPTHWISE_CONV_2D: %s", why[0])
	}
	o := m.Ops[0].Profiles[XNNPack].Params.(*DepthwiseConv2DParams).Output.(*XNNPackOutput)
	if o.Min != 10 || o.Max != 16 {
		t.Errorf("RELU6 range [%d, %d], want [10, 16]", o.Min, o.Max)
	}
}

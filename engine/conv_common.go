package engine

import (
	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

// What the convolutions (CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV) share,
// like TFLite Micro's conv_common.cc: the quantization parameters Prepare
// derives, the bias check, and the output stage of their accumulators.

// evalAllPadding is an int8 convolution whose every tap reads XNNPACK's
// padding (Conv2DParams.AllPadding): each accumulator is the bias.
func evalAllPadding(r *run, biasT, outT, channels int, o outputStage, acc []int64) {
	bias, out := r.i32(biasT), r.u8(outT) // int8 or uint8: the low byte
	for i := range out {
		a := bias[i%channels]
		if acc != nil {
			acc[i] = int64(a)
		}
		out[i] = uint8(o.requantize(a, i%channels))
	}
}

// explainConvOutput is explainAccumulator for the conv family, whose int32
// accumulators wrap like the reference's, and which under XNNPACK may read
// only padding.
func explainConvOutput(e *Explanation, o outputStage, sum, bias int64, c int, wide, allPadding bool) {
	if !wide {
		sum = int64(int32(sum))
	}
	if !allPadding {
		explainAccumulator(e, o, sum, bias, c, wide)
		return
	}
	e.Terms, e.TermsTotal = nil, 0
	explainAccumulator(e, o, 0, bias, c, wide)
	e.Steps[0].Formula = "0: XNNPACK's TensorFlow-SAME padding wraps (negative total padding in uint32), so every tap reads the padding"
}

// ConvArith is what a convolution's Prepare derives for its arithmetic,
// after its geometry: for quantized models the offsets and the output stage
// (PopulateConvolutionQuantizationParams), for float models the clamp of the
// fused activation.
type ConvArith struct {
	InputOffset  int32 `json:"input_offset"`  // −input zero point
	FilterOffset int32 `json:"filter_offset"` // −filter zero point (uint8 only)
	// Output turns each accumulator into an output integer (quantized
	// models): the profile's output stage.
	Output outputStage `json:"output,omitempty"`
	// Float models: the clamp of the fused activation.
	FloatMin float32 `json:"float_min,omitempty"`
	FloatMax float32 `json:"float_max,omitempty"`
}

// convArith checks a convolution's types (float32; int8 or int16
// activations with an int8 filter; uint8 throughout) and derives its
// ConvArith; the filter is quantized along axis, with channels output
// channels.
func (c *prepCtx) convArith(in, filter, out *Tensor, axis, channels int, a tflite.ActivationFunctionType) (ConvArith, error) {
	act, err := c.activation(a)
	if err != nil {
		return ConvArith{}, err
	}
	switch {
	case in.Type == Float32 && filter.Type == Float32 && out.Type == Float32:
		lo, hi := floatActivation(act)
		return ConvArith{FloatMin: lo, FloatMax: hi}, nil
	case (in.Type == Int8 || in.Type == Int16) && filter.Type == Int8 && out.Type == in.Type,
		in.Type == Uint8 && filter.Type == Uint8 && out.Type == Uint8:
		return c.convQuant(in, filter, out, axis, channels, act)
	}
	return ConvArith{}, c.unsupportedTypes()
}

// convQuant derives the quantized parameters of a convolution whose filter
// is quantized along axis (channels output channels), like TFLite's
// PopulateConvolutionQuantizationParams: M_c = s_input·s_filter[c]/s_output
// in double (uint8: the scale product in float, as GetQuantizedConvolutionMultipler).
func (c *prepCtx) convQuant(in, filter, out *Tensor, axis, channels int, act fixedpoint.Activation) (q ConvArith, err error) {
	for _, t := range []*Tensor{in, out} {
		if err := c.needQuant("input/output", t); err != nil {
			return q, err
		}
	}
	fq := filter.Quant
	if fq == nil || len(fq.Scale) == 0 {
		return q, c.errorf("filter tensor %d (%q) has no quantization parameters", filter.Index, filter.Name)
	}
	if fq.PerChannel() {
		if in.Type == Uint8 {
			return q, c.errorf("per-channel quantization of filter tensor %d needs int8 or int16 inputs, not uint8", filter.Index)
		}
		if fq.Axis != axis || len(fq.Scale) != channels {
			return q, c.errorf("per-channel filter tensor %d has %d scales on axis %d; want %d on axis %d", filter.Index, len(fq.Scale), fq.Axis, channels, axis)
		}
	}
	if in.Type == Uint8 {
		q.FilterOffset = -int32(fq.ZeroPoint[0])
	} else {
		for _, z := range fq.ZeroPoint {
			if z != 0 {
				return q, c.errorf("filter tensor %d (%q) has zero point %d; %v filters must be symmetric (zero point 0)", filter.Index, filter.Name, z, filter.Type)
			}
		}
	}
	if in.Type == Int16 && (in.ZeroPoint() != 0 || out.ZeroPoint() != 0) {
		return q, c.errorf("int16 input and output need zero point 0, have %d and %d", in.ZeroPoint(), out.ZeroPoint())
	}
	q.InputOffset = -in.ZeroPoint()
	outOff := out.ZeroPoint()
	if in.Type == Int16 {
		outOff = 0
	}
	var requant []Requant
	for _, s := range fq.Scale {
		if s <= 0 {
			return q, c.errorf("filter tensor %d (%q) has scale %v; want a positive scale", filter.Index, filter.Name, s)
		}
		real := float64(in.Quant.Scale[0]) * float64(s) / out.Scale()
		if in.Type == Uint8 {
			real = float64(in.Quant.Scale[0]*s) / out.Scale()
		}
		requant = append(requant, c.requant(real))
	}
	if in.Type == Int16 {
		if err := c.check64("output", requant...); err != nil {
			return q, err
		}
	}
	lo, hi, err := quantizedActivation(act, out)
	if err != nil {
		return q, c.errorf("%v", err)
	}
	q.Output = newFixedPointOutput(requant, channels, outOff, lo, hi)
	return q, nil
}

// convBias checks a bias of n elements for input type typ: float32 for
// float, int32 for int8/uint8, and for int16 any of the wide types given;
// it reports whether the bias is int64.
func (c *prepCtx) convBias(bias *Tensor, typ DType, n int, int16Bias ...DType) (bool, error) {
	if bias.NumElements() != n {
		return false, c.errorf("bias tensor %d has %d elements, want %d", bias.Index, bias.NumElements(), n)
	}
	ok := false
	switch typ {
	case Float32:
		ok = bias.Type == Float32
	case Int8, Uint8:
		ok = bias.Type == Int32
	case Int16:
		for _, t := range int16Bias {
			ok = ok || bias.Type == t
		}
	}
	if !ok {
		return false, c.errorf("bias tensor %d has type %v, which %v %s does not take", bias.Index, bias.Type, typ, c.op.Builtin)
	}
	return bias.Type == Int64, nil
}

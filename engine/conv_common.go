package engine

import "github.com/int8scope/int8scope/engine/fixedpoint"

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

// convQuantParams are the integer parameters PopulateConvolutionQuantizationParams derives.
type convQuantParams struct {
	inOff, filterOff int32
	out              *FixedPointOutput
}

// convQuant derives the quantized parameters of a convolution whose filter
// is quantized along axis (channels output channels), like TFLite's
// PopulateConvolutionQuantizationParams: M_c = s_input·s_filter[c]/s_output
// in double (uint8: the scale product in float, as GetQuantizedConvolutionMultipler).
func (c *prepCtx) convQuant(in, filter, out *Tensor, axis, channels int, act fixedpoint.Activation) (q convQuantParams, err error) {
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
		q.filterOff = -int32(fq.ZeroPoint[0])
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
	q.inOff = -in.ZeroPoint()
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
	q.out = newFixedPointOutput(requant, channels, outOff, lo, hi)
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

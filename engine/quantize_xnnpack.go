package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// QUANTIZE in the browser TFLite (tflite-xnnpack): the XNNPACK delegate takes
// float32 → int8 or uint8, int8 → int8 and uint8 → uint8 QUANTIZE
// (xnnConvert); the rest (int8 ↔ uint8) run TFLite's builtin kernel, which
// rounds like the reference.

func init() {
	registerXNNPack(tflite.BuiltinOperatorQUANTIZE, xnnQuantizeNode)
}

// xnnConvert is QUANTIZE under XNNPACK. From int8 or uint8 (qs8-vcvt,
// qu8-vcvt) it multiplies by the Q8 fixed-point ratio Multiplier =
// round_half_even(256·s_in/s_out) and rounds half up:
//
//	out = clamp(((x − InputZeroPoint)·Multiplier + 128) >> 8 + OutputZeroPoint)
//
// From float32 (f32-qs8-vcvt, f32-qu8-vcvt) it multiplies by Scale =
// 1/s_out (float32) and rounds half to even:
// out = clamp(round(x·Scale) + OutputZeroPoint). The clamp is to the
// output type's range.
type xnnConvert struct {
	Multiplier      int32   `json:"multiplier,omitempty"`
	Scale           float32 `json:"scale,omitempty"`
	InputZeroPoint  int32   `json:"input_zero_point"`
	OutputZeroPoint int32   `json:"output_zero_point"`
	float           bool
	in, out         int
	typ             DType // the output's
}

func xnnQuantizeNode(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	in, out := opTensor(m, op, 0), m.Tensors[op.Outputs[0]]
	if in == nil || (out.Type != Int8 && out.Type != Uint8) || (in.Type != out.Type && in.Type != Float32) {
		return nil, fmt.Errorf("the XNNPACK delegate takes QUANTIZE only from float32, int8 or uint8 to the same type")
	}
	if out.Quant == nil || len(out.Quant.Scale) != 1 {
		return nil, fmt.Errorf("the output is not quantized per tensor")
	}
	k := &xnnConvert{OutputZeroPoint: out.ZeroPoint(), in: in.Index, out: out.Index, typ: out.Type}
	so := float32(out.Scale())
	if in.Type == Float32 {
		k.float, k.Scale = true, 1/so
		return k, nil
	}
	if in.Quant == nil || len(in.Quant.Scale) != 1 {
		return nil, fmt.Errorf("the input is not quantized per tensor")
	}
	ratio := float32(in.Scale()) / so
	if ratio < 1.0/256 || ratio > 128 {
		return nil, fmt.Errorf("unsupported input-to-output scale %g in QUANTIZE (XNNPACK needs [2^-8, 2^7])", ratio)
	}
	k.InputZeroPoint = in.ZeroPoint()
	k.Multiplier = int32(math.RoundToEven(float64(256 * ratio)))
	return k, nil
}

func (k *xnnConvert) eval(r *run, op *Op) error {
	out := r.vals[k.out] // int8 or uint8: the low byte
	if k.float {
		in := r.f32(k.in)
		out = out[:len(in)]
		xnnFromFloatRow(in, out, k.Scale, k.OutputZeroPoint, k.typ)
		return nil
	}
	if k.typ == Int8 {
		mapBytes(r.i8(k.in), out, k.convert)
	} else {
		mapBytes(r.u8(k.in), out, k.convert)
	}
	return nil
}

func (k *xnnConvert) fromFloat(x float32) int32 {
	lo, hi := qrange(k.typ)
	return xnnFromFloat(x, k.Scale, k.OutputZeroPoint, lo, hi)
}

// xnnFromFloat is the f32→qs8/qu8 convert of one value.
func xnnFromFloat(x, scale float32, zp, lo, hi int32) int32 {
	v := math.RoundToEven(float64(x * scale))
	return clamp(int32(max(min(v, 1<<20), -1<<20))+zp, lo, hi)
}

// xnnFromFloatRow is xnnFromFloat of every value of in into out (int8 or
// uint8 bytes of type typ), arranged to run fast natively and in Go's WASM
// output (which calls runtime functions for float min and max, and takes a
// loop's back edge through the function's block dispatcher): the product
// x·scale in float32 is rounded half to even by the magic bias, as
// XNNPACK's f32-qs8-vcvt does, and clamped as an integer, which gives the
// same integer as clamping first (XNNPACKOutput.requantizeInt8 says why,
// ±Inf included); four values a loop iteration, with no branch. A NaN
// (gathered into one flag from the sums' bits) sends the row to
// xnnFromFloatRow1, whose xnnFromFloat gives what its int32 conversion
// gives on each platform. Measured in Node on the MNIST input (784
// values): 1.7 µs against xnnFromFloatRow1's 2.5.
func xnnFromFloatRow(in []float32, out []byte, scale float32, zp int32, typ DType) {
	out = out[:len(in)]
	tlo, thi := qrange(typ)
	lo, hi := int64(tlo-zp), int64(thi-zp)
	var nan uint32 // bit 31 set: some x·scale is NaN
	i := 0
	for ; i+4 <= len(in); i += 4 {
		x, o := in[i:i+4:i+4], out[i:i+4:i+4]
		v0, v1, v2, v3 := float32(x[0]*scale)+xnnMagic, float32(x[1]*scale)+xnnMagic, float32(x[2]*scale)+xnnMagic, float32(x[3]*scale)+xnnMagic
		nan |= xnnNaN(v0) | xnnNaN(v1) | xnnNaN(v2) | xnnNaN(v3)
		o[0] = byte(int32(min(max(xnnUnbias(v0), lo), hi)) + zp)
		o[1] = byte(int32(min(max(xnnUnbias(v1), lo), hi)) + zp)
		o[2] = byte(int32(min(max(xnnUnbias(v2), lo), hi)) + zp)
		o[3] = byte(int32(min(max(xnnUnbias(v3), lo), hi)) + zp)
	}
	for ; i < len(in); i++ {
		v := float32(in[i]*scale) + xnnMagic
		nan |= xnnNaN(v)
		out[i] = byte(int32(min(max(xnnUnbias(v), lo), hi)) + zp)
	}
	if nan&(1<<31) != 0 {
		xnnFromFloatRow1(in, out, scale, zp, typ)
	}
}

// xnnMagic is the magic bias 1.5·2^23: v + xnnMagic, for |v| ≤ 2^22, holds
// round_half_even(v) in its low mantissa bits.
const xnnMagic = 12582912

// xnnUnbias is the integer a biased sum holds: its float32 bits, as an
// int32, less the bias's, in int64 (no wrapping: for sums beyond ±2^22, up
// to ±Inf, the difference lies beyond the output range on the sum's side).
func xnnUnbias(v float32) int64 { return int64(int32(math.Float32bits(v))) - 0x4B400000 }

// xnnNaN has bit 31 set when v is NaN: its magnitude's bits plus
// 0x80000000 − 0x7f800001.
func xnnNaN(v float32) uint32 { return math.Float32bits(v)&0x7fffffff + (0x80000000 - 0x7f800001) }

// xnnFromFloatRow1 is xnnFromFloatRow one value at a time, NaN through
// xnnFromFloat.
func xnnFromFloatRow1(in []float32, out []byte, scale float32, zp int32, typ DType) {
	out = out[:len(in)]
	tlo, thi := qrange(typ)
	lo, hi := int64(tlo-zp), int64(thi-zp)
	const magic, magicBits = 12582912, 0x4B400000 // 1.5·2^23 and its float32 bits
	for i, x := range in {
		if x != x {
			out[i] = byte(xnnFromFloat(x, scale, zp, tlo, thi))
			continue
		}
		v := int64(int32(math.Float32bits(float32(x*scale)+magic))) - magicBits
		out[i] = byte(int32(min(max(v, lo), hi)) + zp)
	}
}

func (k *xnnConvert) convert(x int32) int32 {
	lo, hi := qrange(k.typ)
	return clamp(((x-k.InputZeroPoint)*k.Multiplier+128)>>8+k.OutputZeroPoint, lo, hi)
}

func (k *xnnConvert) explain(res *Result, op *Op, index int) (*Explanation, error) {
	lo, hi := qrange(k.typ)
	q := "qs8"
	if k.typ == Uint8 {
		q = "qu8"
	}
	if k.float {
		x := AsFloat32(res.Tensors[k.in])[index]
		p := x * k.Scale
		v := math.RoundToEven(float64(p))
		steps := []Step{
			{"input", fmt.Sprintf("input[%d]", index), float64(x)},
			{"scale", fmt.Sprintf("%.9g · (1/s_out = %.9g), rounded to float32", x, k.Scale), float64(p)},
			{"round", fmt.Sprintf("round half to even(%.9g)", p), v},
		}
		out := int64(k.fromFloat(x))
		steps = append(steps, Step{"zero point, clamp", fmt.Sprintf("clamp(%s + %d, %d, %d)", formatInt(v), k.OutputZeroPoint, lo, hi), float64(out)})
		return &Explanation{Steps: steps, Value: out, Arithmetic: "XNNPACK f32→" + q + " convert: round_half_even(x·float32(1/s_out)) + zero point"}, nil
	}
	x := int32(res.intAt(k.in, index))
	d := x - k.InputZeroPoint
	v := (d*k.Multiplier + 128) >> 8
	steps := []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(x)},
		{"offset", fmt.Sprintf("%d − input zero point %d", x, k.InputZeroPoint), float64(d)},
		{"scale", fmt.Sprintf("(%d·%d + 128) >> 8 (Q8 multiplier round(256·s_in/s_out), rounds half up)", d, k.Multiplier), float64(v)},
	}
	steps = append(steps, zeroPointClampSteps(v, k.OutputZeroPoint, lo, hi)...)
	return &Explanation{Steps: steps, Value: int64(k.convert(x)), Arithmetic: "XNNPACK " + q + " convert: Q8 fixed-point multiplier, round half up"}, nil
}

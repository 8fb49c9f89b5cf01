package engine

import (
	"math"
	"slices"

	"github.com/int8scope/int8scope/engine/tflite"
)

// ConcatenationParams are CONCATENATION's prepared parameters.
//
// Mirrors TFLite's reference_ops::Concatenation (reference/concatenation.h),
// which TFLite Micro's kernels/concatenation.cc runs for every type: for each
// of Outer slices, the inputs' blocks of Dims(axis)·inner elements are copied
// one after the other. int8 and int16 inputs are never rescaled, so, like
// TFLite's Prepare, every int8 input must have the output's scale and zero
// point (TFLite Micro does not check and would copy the bytes regardless),
// and int16 zero points must be 0.
//
// uint8 (TFLite only) follows reference_ops::ConcatenationWithScaling: an
// input quantized unlike the output is rescaled in float32,
//
//	scale = s_in·(1/s_out), bias = −z_in·scale
//	out   = clamp(round(q·scale + bias) + z_out, 0, 255)   (round half away from zero)
type ConcatenationParams struct {
	Axis       int   `json:"axis"` // non-negative
	Outer      int   `json:"outer"`
	BlockSizes []int `json:"block_sizes"` // elements of each input per outer slice
	// Rescale, uint8 only: one entry per input.
	Rescale []ConcatenationRescale `json:"rescale,omitempty"`
	// Note says why a kernel copies uint8 inputs that the reference
	// rescales (XNNPACK's node).
	Note string `json:"note,omitempty"`

	ins  []int
	out  int
	size int // element size in bytes
}

// ConcatenationRescale is one uint8 input's float rescaling.
type ConcatenationRescale struct {
	Copy  bool    `json:"copy"` // same scale and zero point as the output
	Scale float32 `json:"scale,omitempty"`
	Bias  float32 `json:"bias,omitempty"`
}

func init() {
	register(tflite.BuiltinOperatorCONCATENATION, prepareConcatenation)
}

func prepareConcatenation(c *prepCtx) (kernel, error) {
	if err := c.io(1, math.MaxInt32, 1); err != nil {
		return nil, err
	}
	for i, ti := range c.op.Inputs {
		if ti < 0 {
			return nil, c.errorf("input %d is missing", i)
		}
	}
	out := c.out(0)
	o, _ := c.op.Options.(*tflite.ConcatenationOptionsT)
	if o == nil {
		o = &tflite.ConcatenationOptionsT{}
	}
	if o.FusedActivationFunction != tflite.ActivationFunctionTypeNONE {
		return nil, c.errorf("fused activation %v is not supported (TFLite requires NONE)", o.FusedActivationFunction)
	}
	switch out.Type {
	case Float32, Int8, Int16, Int32, Int64, Uint8, Bool:
	default:
		return nil, c.unsupportedTypes()
	}
	// As TFLite's Prepare: the output is input 0's shape with the inputs'
	// sizes along the axis added up.
	first := c.in(0)
	rank := len(first.Shape)
	axis := int(o.Axis)
	if axis < 0 {
		axis += rank
	}
	if axis < 0 || axis >= rank {
		return nil, c.errorf("axis %d is out of range for input shape %v", o.Axis, first.Shape)
	}
	shape := slices.Clone(first.Shape)
	shape[axis] = 0
	for i := range c.op.Inputs {
		if in := c.in(i); len(in.Shape) == rank {
			shape[axis] += in.Shape[axis]
		}
	}
	if err := c.sameShape(out, shape); err != nil {
		return nil, err
	}
	p := &ConcatenationParams{Axis: axis, Outer: 1, out: out.Index, size: out.Type.Size()}
	for d := 0; d < axis; d++ {
		p.Outer *= out.Shape[d]
	}
	inner := numElements(out.Shape[axis+1:])
	sum := 0
	for i := range c.op.Inputs {
		in := c.in(i)
		if in.Type != out.Type {
			return nil, c.errorf("input %d (tensor %d) is %v but the output is %v", i, in.Index, in.Type, out.Type)
		}
		if len(in.Shape) != rank {
			return nil, c.errorf("input %d (tensor %d) has shape %v; every input needs rank %d like output shape %v", i, in.Index, in.Shape, rank, out.Shape)
		}
		for d := range in.Shape {
			if d != axis && in.Shape[d] != out.Shape[d] {
				return nil, c.errorf("input %d (tensor %d) has shape %v, which differs from output shape %v outside axis %d", i, in.Index, in.Shape, out.Shape, axis)
			}
		}
		sum += in.Shape[axis]
		p.ins = append(p.ins, in.Index)
		p.BlockSizes = append(p.BlockSizes, in.Shape[axis]*inner)
		switch out.Type {
		case Int8:
			if err := c.needQuant("input", in); err != nil {
				return nil, err
			}
			if err := c.needQuant("output", out); err != nil {
				return nil, err
			}
			if in.Quant.Scale[0] != out.Quant.Scale[0] || in.ZeroPoint() != out.ZeroPoint() {
				return nil, c.errorf("int8 input %d (tensor %d) has scale %v, zero point %d but the output has scale %v, zero point %d; "+
					"TFLite's int8 CONCATENATION does not rescale and requires them equal (TFLite Micro would copy the bytes unscaled)",
					i, in.Index, in.Quant.Scale[0], in.ZeroPoint(), out.Quant.Scale[0], out.ZeroPoint())
			}
		case Int16:
			if in.ZeroPoint() != 0 || out.ZeroPoint() != 0 {
				return nil, c.errorf("int16 CONCATENATION needs zero point 0 on every input and the output")
			}
		case Uint8:
			for _, t := range []*Tensor{in, out} {
				if err := c.needQuant("input/output", t); err != nil {
					return nil, err
				}
			}
			rs := ConcatenationRescale{Copy: true}
			if in.Quant.Scale[0] != out.Quant.Scale[0] || in.ZeroPoint() != out.ZeroPoint() {
				inv := 1 / out.Quant.Scale[0]
				scale := in.Quant.Scale[0] * inv
				rs = ConcatenationRescale{Scale: scale, Bias: float32(-in.ZeroPoint()) * scale}
			}
			p.Rescale = append(p.Rescale, rs)
		}
	}
	if sum != out.Shape[axis] {
		return nil, c.errorf("the inputs add up to %d along axis %d but output shape %v has %d", sum, axis, out.Shape, out.Shape[axis])
	}
	return p, nil
}

func (p *ConcatenationParams) eval(r *run, op *Op) error {
	dst := r.vals[p.out]
	o := 0
	zp := r.m.Tensors[p.out].ZeroPoint()
	for k := 0; k < p.Outer; k++ {
		for i, ti := range p.ins {
			n := p.BlockSizes[i]
			if p.Rescale != nil && !p.Rescale[i].Copy {
				rs := p.Rescale[i]
				for j, q := range r.vals[ti][k*n : (k+1)*n] {
					v := math.Round(float64(float32(float32(q)*rs.Scale) + rs.Bias))
					dst[o+j] = uint8(min(max(v+float64(zp), 0), 255))
				}
			} else {
				copy(dst[o*p.size:(o+n)*p.size], r.vals[ti][k*n*p.size:(k+1)*n*p.size])
			}
			o += n
		}
	}
	return nil
}

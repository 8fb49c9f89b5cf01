package engine

import (
	"github.com/int8scope/int8scope/engine/tflite"
)

// PadParams are PAD's and PADV2's prepared parameters.
//
// Mirrors TFLite's reference_ops::Pad (reference/pad.h) as TFLite Micro's
// kernels/pad.cc runs it, up to 5-D: output element c is the input element
// c − Left when Left[d] ≤ c[d] < OutputShape[d] − Right[d] in every
// dimension, and the pad value otherwise. The pad value is PADV2's constant
// input; for PAD it is 0 for float, and the output zero point for int8 and
// uint8 (int16 and int32 pad with 0, so their zero point must be 0).
type PadParams struct {
	Left        []int   `json:"left_padding"`
	Right       []int   `json:"right_padding"`
	InputShape  []int   `json:"input_shape"`
	OutputShape []int   `json:"output_shape"`
	PadValue    float64 `json:"pad_value"`  // the stored value (quantized for integer types)
	PadTensor   int     `json:"pad_tensor"` // PADV2: tensor index of the constant value, −1 = none

	in, out, value int // value −1 for PAD
	fill           []byte
	size           int
}

// padMaxRank is reference_ops::PadKernelMaxDimensionCount.
const padMaxRank = 5

func init() {
	register(tflite.BuiltinOperatorPAD, preparePad)
	register(tflite.BuiltinOperatorPADV2, preparePad)
	registerXNNPack(tflite.BuiltinOperatorPAD, xnnCopyNode) // exact: XNNPACK copies the values and the zero point (0 in float32)
}

func preparePad(c *prepCtx) (kernel, error) {
	if err := c.io(2, 3, 1); err != nil {
		return nil, err
	}
	in, paddings, value, out := c.in(0), c.in(1), c.in(2), c.out(0)
	if err := sameType(c, in, out); err != nil {
		return nil, err
	}
	switch in.Type {
	case Float32, Int8, Uint8, Int16, Int32, Int64:
	default:
		return nil, c.unsupportedTypes()
	}
	rank := len(in.Shape)
	if rank > padMaxRank {
		return nil, c.errorf("input shape %v has rank %d; TFLite's Pad supports up to %d", in.Shape, rank, padMaxRank)
	}
	if len(paddings.Shape) != 2 || paddings.Shape[0] != rank || paddings.Shape[1] != 2 {
		return nil, c.errorf("paddings tensor %d has shape %v, want [%d 2]", paddings.Index, paddings.Shape, rank)
	}
	pads, err := indexValues(c, "paddings", paddings, true)
	if err != nil {
		return nil, err
	}
	p := &PadParams{InputShape: in.Shape, PadTensor: -1, in: in.Index, out: out.Index, value: -1, size: in.Type.Size()}
	want := make([]int, rank)
	for d := range rank {
		l, r := pads[2*d], pads[2*d+1]
		if l < 0 || r < 0 {
			return nil, c.errorf("paddings %v of dimension %d are negative", pads[2*d:2*d+2], d)
		}
		p.Left, p.Right = append(p.Left, l), append(p.Right, r)
		want[d] = in.Shape[d] + l + r
	}
	if err := c.sameShape(out, want); err != nil {
		return nil, err
	}
	p.OutputShape = want
	if value != nil {
		if value.Type != in.Type {
			return nil, c.errorf("constant value tensor %d is %v, want %v like the input", value.Index, value.Type, in.Type)
		}
		if value.NumElements() != 1 {
			return nil, c.errorf("constant value tensor %d has shape %v; want a single value", value.Index, value.Shape)
		}
		if in.Type == Int8 || in.Type == Uint8 {
			if err := c.needQuant("constant value", value); err != nil {
				return nil, err
			}
			if err := c.needQuant("output", out); err != nil {
				return nil, err
			}
			if value.ZeroPoint() != out.ZeroPoint() || value.Quant.Scale[0] != out.Quant.Scale[0] {
				return nil, c.errorf("constant value tensor %d must be quantized like the output (scale %v, zero point %d)", value.Index, out.Quant.Scale[0], out.ZeroPoint())
			}
		}
		p.value, p.PadTensor = value.Index, value.Index
		if value.Const {
			p.PadValue = Values(value.Type, value.Data)[0]
		}
		return p, nil
	}
	zp := out.ZeroPoint()
	switch in.Type {
	case Int8, Uint8:
		if lo, hi := qrange(in.Type); zp < lo || zp > hi {
			return nil, c.errorf("output zero point %d is outside the %v range, so 0 cannot be padded", zp, in.Type)
		}
		p.PadValue = float64(zp)
	case Int16, Int32, Int64:
		if zp != 0 {
			return nil, c.errorf("output zero point is %d; %v PAD pads with 0 in TFLite Micro but with the zero point in TFLite, so it must be 0", zp, in.Type)
		}
	}
	p.fill = make([]byte, p.size) // 0 and 0.0 are all zero bytes
	if in.Type == Int8 || in.Type == Uint8 {
		p.fill[0] = byte(zp)
	}
	return p, nil
}

func (p *PadParams) eval(r *run, op *Op) error {
	fill := p.fill
	if p.value >= 0 {
		fill = r.vals[p.value][:p.size]
	}
	src, dst := r.vals[p.in], r.vals[p.out]
	rank := len(p.OutputShape)
	if rank == 0 {
		copy(dst, src)
		return nil
	}
	// Walk the output row by row (the last dimension): a row inside the
	// input's span is left padding, one input row, right padding; any other
	// row is all padding.
	last := rank - 1
	row, inRow := p.OutputShape[last], p.InputShape[last]
	coord := make([]int, last)
	in, o := 0, 0
	for n := numElements(p.OutputShape[:last]); n > 0; n-- {
		inside := true
		for d, x := range coord {
			if x < p.Left[d] || x >= p.OutputShape[d]-p.Right[d] {
				inside = false
			}
		}
		if inside {
			for range p.Left[last] {
				o += copy(dst[o:], fill)
			}
			o += copy(dst[o:o+inRow*p.size], src[in:])
			in += inRow * p.size
			for range p.Right[last] {
				o += copy(dst[o:], fill)
			}
		} else {
			for range row {
				o += copy(dst[o:], fill)
			}
		}
		for d := last - 1; d >= 0; d-- {
			if coord[d]++; coord[d] < p.OutputShape[d] {
				break
			}
			coord[d] = 0
		}
	}
	return nil
}

package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// SpaceToBatchNDParams are SPACE_TO_BATCH_ND's prepared parameters.
//
// Mirrors TFLite's reference_ops::SpaceToBatchND
// (reference/space_to_batch_nd.h, kernels/space_to_batch_nd.cc) and TFLite
// Micro's kernels/space_to_batch_nd.cc: a 3-D [N, W, C] (read as
// [N, 1, W, C]) or 4-D [N, H, W, C] input is padded (paddings, a constant
// [M, 2] tensor) and cut into Bh×Bw blocks (block_shape), which go to the
// batch:
//
//	out[(sh·Bw + sw)·N + n, y, x, c] = in[n, y·Bh + sh − top, x·Bw + sw − left, c]
//
// or the pad value where that falls in the padding: 0, as TFLite Micro
// pads (TFLite itself pads int8 and uint8 with the output zero point; that
// is the browser TFLite's builtin variant, space_to_batch_nd_xnnpack.go).
// Elements are copied as raw bytes.
type SpaceToBatchNDParams struct {
	Block       [2]int `json:"block_shape"` // [Bh, Bw]
	Pad         [4]int `json:"paddings"`    // top, bottom, left, right
	InputShape  []int  `json:"input_shape"` // as 4-D
	OutputShape []int  `json:"output_shape"`
	PadValue    int32  `json:"pad_value"`

	in, out, size int
	note          string // the builtin variant's difference
}

func init() { register(tflite.BuiltinOperatorSPACE_TO_BATCH_ND, prepareSpaceToBatchND) }

// blockParams reads SPACE_TO_BATCH_ND's and BATCH_TO_SPACE_ND's block
// shape and paddings (crops) for a 3-D or 4-D input, as [Bh, Bw] and
// [top, bottom, left, right], and the input shape extended to 4-D.
func blockParams(c *prepCtx, in, blockT, padT *Tensor, what string) (block [2]int, pad [4]int, shape4 []int, err error) {
	switch len(in.Shape) {
	case 3:
		shape4 = []int{in.Shape[0], 1, in.Shape[1], in.Shape[2]}
	case 4:
		shape4 = in.Shape
	default:
		return block, pad, nil, c.errorf("input tensor %d has shape %v; want 3-D or 4-D", in.Index, in.Shape)
	}
	m := len(in.Shape) - 2
	if len(blockT.Shape) != 1 || blockT.Shape[0] != m {
		return block, pad, nil, c.errorf("block_shape tensor %d has shape %v, want [%d]", blockT.Index, blockT.Shape, m)
	}
	if len(padT.Shape) != 2 || padT.Shape[0] != m || padT.Shape[1] != 2 {
		return block, pad, nil, c.errorf("%s tensor %d has shape %v, want [%d 2]", what, padT.Index, padT.Shape, m)
	}
	b, err := indexValues(c, "block_shape", blockT, true)
	if err != nil {
		return block, pad, nil, err
	}
	p, err := indexValues(c, what, padT, true)
	if err != nil {
		return block, pad, nil, err
	}
	block = [2]int{1, b[m-1]}
	pad = [4]int{0, 0, p[2*m-2], p[2*m-1]}
	if m == 2 {
		block[0], pad[0], pad[1] = b[0], p[0], p[1]
	}
	for _, v := range block {
		if v < 1 {
			return block, pad, nil, c.errorf("block_shape %v must be positive", b)
		}
	}
	for _, v := range pad {
		if v < 0 {
			return block, pad, nil, c.errorf("%s %v must not be negative", what, p)
		}
	}
	return block, pad, shape4, nil
}

// unextend returns a 4-D shape in the rank (3 or 4) of the original tensor.
func unextend(s []int, rank int) []int {
	if rank == 3 {
		return []int{s[0], s[2], s[3]}
	}
	return s
}

func prepareSpaceToBatchND(c *prepCtx) (kernel, error) {
	in, out, err := c.moving(3, Float32, Int8, Uint8, Int16, Int32, Int64)
	if err != nil {
		return nil, err
	}
	block, pad, s, err := blockParams(c, in, c.in(1), c.in(2), "paddings")
	if err != nil {
		return nil, err
	}
	h, w := s[1]+pad[0]+pad[1], s[2]+pad[2]+pad[3]
	if h%block[0] != 0 || w%block[1] != 0 {
		return nil, c.errorf("padded size %d×%d is not a multiple of block_shape %v", h, w, block)
	}
	o4 := []int{s[0] * block[0] * block[1], h / block[0], w / block[1], s[3]}
	if err := c.sameShape(out, unextend(o4, len(in.Shape))); err != nil {
		return nil, err
	}
	return &SpaceToBatchNDParams{Block: block, Pad: pad, InputShape: s, OutputShape: o4, in: in.Index, out: out.Index, size: in.Type.Size()}, nil
}

// source is the input element output element index reads, or −1 for
// padding.
func (p *SpaceToBatchNDParams) source(index int) int {
	o := unflatten(index, p.OutputShape)
	s := p.InputShape
	n, shift := o[0]%s[0], o[0]/s[0]
	y := o[1]*p.Block[0] + shift/p.Block[1] - p.Pad[0]
	x := o[2]*p.Block[1] + shift%p.Block[1] - p.Pad[2]
	if y < 0 || y >= s[1] || x < 0 || x >= s[2] {
		return -1
	}
	return ((n*s[1]+y)*s[2]+x)*s[3] + o[3]
}

func (p *SpaceToBatchNDParams) eval(r *run, op *Op) error {
	src, dst := r.vals[p.in], r.vals[p.out]
	pad := make([]byte, p.size) // PadValue is 0 for every type but int8 and uint8
	putInt(r.m.Tensors[p.out].Type, pad, 0, int64(p.PadValue))
	ch := p.OutputShape[3]
	n := ch * p.size
	if n == 0 {
		return nil
	}
	for o := 0; o*p.size < len(dst); o += ch {
		s := p.source(o)
		if s < 0 {
			for k := 0; k < n; k += p.size {
				copy(dst[o*p.size+k:], pad)
			}
			continue
		}
		copy(dst[o*p.size:o*p.size+n], src[s*p.size:s*p.size+n])
	}
	return nil
}

func (p *SpaceToBatchNDParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	s := p.source(index)
	if s < 0 {
		return explainConstant(float64(p.PadValue), "this element falls in the padding: the pad value"), nil
	}
	return explainMoved(res, p.in, s, fmt.Sprintf("output %v: batch → (block row, block column, input batch), then y·Bh + row − top, x·Bw + column − left", unflatten(index, p.OutputShape))), nil
}

package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// DepthToSpaceParams are DEPTH_TO_SPACE's and SPACE_TO_DEPTH's prepared
// parameters.
//
// DEPTH_TO_SPACE mirrors TFLite's reference_ops::DepthToSpace
// (reference/depth_to_space.h, kernels/depth_to_space.cc) and TFLite
// Micro's kernels/depth_to_space.cc: a 4-D input [N, H, W, C·B²] becomes
// [N, H·B, W·B, C] with
//
//	out[n, y, x, c] = in[n, y/B, x/B, ((y mod B)·B + x mod B)·C + c]
//
// SPACE_TO_DEPTH (reference_ops::SpaceToDepth, kernels/space_to_depth.cc)
// is its inverse: [N, H·B, W·B, C] becomes [N, H, W, C·B²]. Elements are
// copied as raw bytes.
type DepthToSpaceParams struct {
	BlockSize   int   `json:"block_size"`
	InputShape  []int `json:"input_shape"`
	OutputShape []int `json:"output_shape"`

	toSpace       bool
	in, out, size int
}

func init() {
	register(tflite.BuiltinOperatorDEPTH_TO_SPACE, func(c *prepCtx) (kernel, error) { return prepareDepthSpace(c, true) })
	register(tflite.BuiltinOperatorSPACE_TO_DEPTH, func(c *prepCtx) (kernel, error) { return prepareDepthSpace(c, false) })
}

func prepareDepthSpace(c *prepCtx, toSpace bool) (kernel, error) {
	in, out, err := c.moving(1, Float32, Uint8, Int8, Int16, Int32, Int64)
	if err != nil {
		return nil, err
	}
	var bs int
	if toSpace {
		o, _ := c.op.Options.(*tflite.DepthToSpaceOptionsT)
		if o != nil {
			bs = int(o.BlockSize)
		}
	} else if o, _ := c.op.Options.(*tflite.SpaceToDepthOptionsT); o != nil {
		bs = int(o.BlockSize)
	}
	if bs < 1 {
		return nil, c.errorf("block_size %d must be positive", bs)
	}
	if len(in.Shape) != 4 {
		return nil, c.errorf("input tensor %d has shape %v; want 4-D [N, H, W, C]", in.Index, in.Shape)
	}
	s := in.Shape
	var want []int
	if toSpace {
		if s[3]%(bs*bs) != 0 {
			return nil, c.errorf("input depth %d is not a multiple of block_size² = %d", s[3], bs*bs)
		}
		want = []int{s[0], s[1] * bs, s[2] * bs, s[3] / (bs * bs)}
	} else {
		if s[1]%bs != 0 || s[2]%bs != 0 {
			return nil, c.errorf("input height %d and width %d must be multiples of block_size %d", s[1], s[2], bs)
		}
		want = []int{s[0], s[1] / bs, s[2] / bs, s[3] * bs * bs}
	}
	if err := c.sameShape(out, want); err != nil {
		return nil, err
	}
	return &DepthToSpaceParams{BlockSize: bs, InputShape: s, OutputShape: want, toSpace: toSpace, in: in.Index, out: out.Index, size: in.Type.Size()}, nil
}

// source is the input element that output element index copies.
func (p *DepthToSpaceParams) source(index int) int {
	b := p.BlockSize
	o := unflatten(index, p.OutputShape)
	var i [4]int
	if p.toSpace {
		c := p.OutputShape[3]
		i = [4]int{o[0], o[1] / b, o[2] / b, ((o[1]%b)*b+o[2]%b)*c + o[3]}
	} else {
		c := p.InputShape[3]
		blk := o[3] / c
		i = [4]int{o[0], o[1]*b + blk/b, o[2]*b + blk%b, o[3] % c}
	}
	s := p.InputShape
	return ((i[0]*s[1]+i[1])*s[2]+i[2])*s[3] + i[3]
}

func (p *DepthToSpaceParams) eval(r *run, op *Op) error {
	// Runs of channels stay together: C (DEPTH_TO_SPACE) or the input's C
	// (SPACE_TO_DEPTH) elements at a time.
	run := p.OutputShape[3]
	if !p.toSpace {
		run = p.InputShape[3]
	}
	copyRuns(r.vals[p.out], r.vals[p.in], p.size, run, p.source)
	return nil
}

func (p *DepthToSpaceParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	how := "input [n, y/B, x/B, ((y mod B)·B + x mod B)·C + c]"
	if !p.toSpace {
		how = "input [n, y·B + (c div C) div B, x·B + (c div C) mod B, c mod C]"
	}
	return explainMoved(res, p.in, p.source(index), fmt.Sprintf("output %v ← %s, B = %d", unflatten(index, p.OutputShape), how, p.BlockSize)), nil
}

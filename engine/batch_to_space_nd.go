package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// BatchToSpaceNDParams are BATCH_TO_SPACE_ND's prepared parameters.
//
// Mirrors TFLite's reference_ops::BatchToSpaceND
// (reference/batch_to_space_nd.h, kernels/batch_to_space_nd.cc) and TFLite
// Micro's kernels/batch_to_space_nd.cc, the inverse of SPACE_TO_BATCH_ND: a
// 3-D or 4-D input [N·Bh·Bw, H, W, C] becomes [N, H·Bh − top − bottom,
// W·Bw − left − right, C] (block_shape and crops: constant tensors), with
//
//	out[n, y, x, c] = in[(sh·Bw + sw)·N + n, (y + top) / Bh, (x + left) / Bw, c]
//	sh = (y + top) mod Bh, sw = (x + left) mod Bw
//
// Elements are copied as raw bytes.
type BatchToSpaceNDParams struct {
	Block       [2]int `json:"block_shape"` // [Bh, Bw]
	Crop        [4]int `json:"crops"`       // top, bottom, left, right
	InputShape  []int  `json:"input_shape"` // as 4-D
	OutputShape []int  `json:"output_shape"`

	in, out, size int
}

func init() { register(tflite.BuiltinOperatorBATCH_TO_SPACE_ND, prepareBatchToSpaceND) }

func prepareBatchToSpaceND(c *prepCtx) (kernel, error) {
	in, out, err := c.moving(3, Float32, Int8, Uint8, Int16, Int32, Int64)
	if err != nil {
		return nil, err
	}
	block, crop, s, err := blockParams(c, in, c.in(1), c.in(2), "crops")
	if err != nil {
		return nil, err
	}
	if s[0]%(block[0]*block[1]) != 0 {
		return nil, c.errorf("input batch %d is not a multiple of the block size %d×%d", s[0], block[0], block[1])
	}
	h, w := s[1]*block[0]-crop[0]-crop[1], s[2]*block[1]-crop[2]-crop[3]
	if h < 0 || w < 0 {
		return nil, c.errorf("crops %v are larger than the output %d×%d", crop, s[1]*block[0], s[2]*block[1])
	}
	o4 := []int{s[0] / (block[0] * block[1]), h, w, s[3]}
	if err := c.sameShape(out, unextend(o4, len(in.Shape))); err != nil {
		return nil, err
	}
	return &BatchToSpaceNDParams{Block: block, Crop: crop, InputShape: s, OutputShape: o4, in: in.Index, out: out.Index, size: in.Type.Size()}, nil
}

// source is the input element output element index reads.
func (p *BatchToSpaceNDParams) source(index int) int {
	o := unflatten(index, p.OutputShape)
	s := p.InputShape
	y, x := o[1]+p.Crop[0], o[2]+p.Crop[2]
	b := ((y%p.Block[0])*p.Block[1]+x%p.Block[1])*p.OutputShape[0] + o[0]
	return ((b*s[1]+y/p.Block[0])*s[2]+x/p.Block[1])*s[3] + o[3]
}

func (p *BatchToSpaceNDParams) eval(r *run, op *Op) error {
	copyRuns(r.vals[p.out], r.vals[p.in], p.size, p.OutputShape[3], p.source) // the channels of a pixel stay together
	return nil
}

func (p *BatchToSpaceNDParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	return explainMoved(res, p.in, p.source(index), fmt.Sprintf("output %v: y + top, x + left split into (position, block row, block column); the block picks the input batch", unflatten(index, p.OutputShape))), nil
}

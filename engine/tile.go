package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// TileParams are TILE's prepared parameters.
//
// Mirrors TFLite's kernels/tile.cc: the input is repeated Multiples[d]
// times along each dimension d (multiples: a constant 1-D int32 or int64
// tensor), so
//
//	out[c_0, …, c_{n−1}] = in[c_0 mod in_0, …, c_{n−1} mod in_{n−1}]
//
// Elements are copied as raw bytes.
type TileParams struct {
	Multiples   []int `json:"multiples"`
	InputShape  []int `json:"input_shape"`
	OutputShape []int `json:"output_shape"`

	in, out, size int
}

func init() { register(tflite.BuiltinOperatorTILE, prepareTile) }

func prepareTile(c *prepCtx) (kernel, error) {
	in, out, err := c.moving(2, Float32, Int8, Uint8, Int32, Int64, Bool) // the browser TFLite has no int16 TILE ("Type 'INT16' is not supported by tile")
	if err != nil {
		return nil, err
	}
	multT := c.in(1)
	if len(multT.Shape) != 1 || multT.Shape[0] != len(in.Shape) {
		return nil, c.errorf("multiples tensor %d has shape %v, want [%d] (the input's rank)", multT.Index, multT.Shape, len(in.Shape))
	}
	mult, err := indexValues(c, "multiples", multT, true)
	if err != nil {
		return nil, err
	}
	want := make([]int, len(in.Shape))
	for d, m := range mult {
		if m < 0 {
			return nil, c.errorf("multiples %v has a negative value", mult)
		}
		want[d] = in.Shape[d] * m
	}
	if err := c.sameShape(out, want); err != nil {
		return nil, err
	}
	return &TileParams{Multiples: mult, InputShape: in.Shape, OutputShape: want, in: in.Index, out: out.Index, size: in.Type.Size()}, nil
}

// source is the input element output element index copies.
func (p *TileParams) source(index int) int {
	c := unflatten(index, p.OutputShape)
	s := 0
	for d, v := range c {
		s = s*p.InputShape[d] + v%p.InputShape[d]
	}
	return s
}

func (p *TileParams) eval(r *run, op *Op) error {
	src, dst := r.vals[p.in], r.vals[p.out]
	rank := len(p.OutputShape)
	if rank == 0 {
		copy(dst, src)
		return nil
	}
	// Copy innermost rows of the input, one per output row position.
	inner := p.InputShape[rank-1] * p.size
	rowOut := p.OutputShape[rank-1]
	for o := 0; o*p.size < len(dst); o += rowOut {
		s := p.source(o)
		for k := 0; k < p.Multiples[rank-1]; k++ {
			copy(dst[(o*p.size)+k*inner:], src[s*p.size:s*p.size+inner])
		}
	}
	return nil
}

func (p *TileParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	s := p.source(index)
	return explainMoved(res, p.in, s, fmt.Sprintf("output %v mod input shape %v", unflatten(index, p.OutputShape), p.InputShape)), nil
}

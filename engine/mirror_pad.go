package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// MirrorPadParams are MIRROR_PAD's prepared parameters.
//
// Mirrors TFLite's kernels/mirror_pad.cc and TFLite Micro's
// kernels/mirror_pad.cc: each dimension d is padded by Left[d] and Right[d]
// elements (paddings: a constant [rank, 2] int32 or int64 tensor) mirrored
// from the input. Output coordinate c reads input coordinate i = c − Left,
// reflected into [0, n):
//
//	REFLECT (edge not repeated):  i < 0 → −i,     i ≥ n → 2n − 2 − i
//	SYMMETRIC (edge repeated):    i < 0 → −i − 1, i ≥ n → 2n − 1 − i
//
// REFLECT pads at most n − 1 per side, SYMMETRIC at most n. Elements are
// copied as raw bytes.
type MirrorPadParams struct {
	Mode        string `json:"mode"` // REFLECT or SYMMETRIC
	Left        []int  `json:"left_padding"`
	Right       []int  `json:"right_padding"`
	InputShape  []int  `json:"input_shape"`
	OutputShape []int  `json:"output_shape"`

	symmetric     bool
	in, out, size int
}

func init() { register(tflite.BuiltinOperatorMIRROR_PAD, prepareMirrorPad) }

func prepareMirrorPad(c *prepCtx) (kernel, error) {
	in, out, err := c.moving(2, Float32, Int8, Uint8, Int32, Int64) // mirror_pad.cc has no int16
	if err != nil {
		return nil, err
	}
	padT := c.in(1)
	rank := len(in.Shape)
	if len(padT.Shape) != 2 || padT.Shape[0] != rank || padT.Shape[1] != 2 {
		return nil, c.errorf("paddings tensor %d has shape %v, want [%d 2]", padT.Index, padT.Shape, rank)
	}
	pads, err := indexValues(c, "paddings", padT, true)
	if err != nil {
		return nil, err
	}
	o, _ := c.op.Options.(*tflite.MirrorPadOptionsT)
	p := &MirrorPadParams{Mode: "REFLECT", InputShape: in.Shape, in: in.Index, out: out.Index, size: in.Type.Size()}
	if o != nil && o.Mode == tflite.MirrorPadModeSYMMETRIC {
		p.Mode, p.symmetric = "SYMMETRIC", true
	}
	limit := 1
	if p.symmetric {
		limit = 0
	}
	for d := range rank {
		l, r := pads[2*d], pads[2*d+1]
		if l < 0 || r < 0 || l > in.Shape[d]-limit || r > in.Shape[d]-limit {
			return nil, c.errorf("paddings %v of dimension %d: %s mode pads at most %d of its %d elements per side", pads[2*d:2*d+2], d, p.Mode, in.Shape[d]-limit, in.Shape[d])
		}
		p.Left, p.Right = append(p.Left, l), append(p.Right, r)
		p.OutputShape = append(p.OutputShape, in.Shape[d]+l+r)
	}
	if p.OutputShape == nil {
		p.OutputShape = []int{}
	}
	if err := c.sameShape(out, p.OutputShape); err != nil {
		return nil, err
	}
	return p, nil
}

// source is the input element output element index reads.
func (p *MirrorPadParams) source(index int) int {
	s := 0
	for d, c := range unflatten(index, p.OutputShape) {
		n, i := p.InputShape[d], c-p.Left[d]
		switch {
		case i < 0 && p.symmetric:
			i = -i - 1
		case i < 0:
			i = -i
		case i >= n && p.symmetric:
			i = 2*n - 1 - i
		case i >= n:
			i = 2*n - 2 - i
		}
		s = s*n + i
	}
	return s
}

func (p *MirrorPadParams) eval(r *run, op *Op) error {
	copyRuns(r.vals[p.out], r.vals[p.in], p.size, 1, p.source)
	return nil
}

func (p *MirrorPadParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	return explainMoved(res, p.in, p.source(index), fmt.Sprintf("output %v − left padding %v, mirrored (%s) into input shape %v", unflatten(index, p.OutputShape), p.Left, p.Mode, p.InputShape)), nil
}

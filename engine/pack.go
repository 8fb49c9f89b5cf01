package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// PackParams are PACK's prepared parameters.
//
// Mirrors TFLite's kernels/pack.cc (reference_ops::Pack) and TFLite
// Micro's kernels/pack.cc: the N inputs, all of one shape, are stacked
// along a new dimension Axis of the output; viewing each input as
// [Outer, Inner] (split at the axis),
//
//	out[o, k, i] = in_k[o, i]
//
// Elements are copied as raw bytes; TFLite requires every input quantized
// like the output (it does not rescale).
type PackParams struct {
	Axis  int `json:"axis"` // non-negative, in the output shape
	Outer int `json:"outer"`
	Inner int `json:"inner"`

	ins  []int
	out  int
	size int
}

func init() { register(tflite.BuiltinOperatorPACK, preparePack) }

func preparePack(c *prepCtx) (kernel, error) {
	o, _ := c.op.Options.(*tflite.PackOptionsT)
	if o == nil {
		return nil, c.errorf("PACK has no PackOptions (values_count, axis)")
	}
	if err := c.io(int(o.ValuesCount), int(o.ValuesCount), 1); err != nil {
		return nil, err
	}
	if o.ValuesCount <= 0 {
		return nil, c.errorf("values_count is %d", o.ValuesCount)
	}
	in0, out := c.in(0), c.out(0)
	switch in0.Type {
	case Float32, Uint8, Int8, Int16, Int32, Int64:
	default:
		return nil, c.unsupportedTypes()
	}
	axis, err := normAxis(c, int(o.Axis), len(in0.Shape)+1)
	if err != nil {
		return nil, err
	}
	p := &PackParams{Axis: axis, Outer: numElements(in0.Shape[:axis]), Inner: numElements(in0.Shape[axis:]), out: out.Index, size: in0.Type.Size()}
	for i := range c.op.Inputs {
		in := c.in(i)
		if err := sameType(c, in, out); err != nil {
			return nil, err
		}
		if !equalInts(in.Shape, in0.Shape) {
			return nil, c.errorf("input %d (tensor %d) has shape %v but input 0 has %v; PACK needs one shape", i, in.Index, in.Shape, in0.Shape)
		}
		if err := sameQuant(c, in, out); err != nil {
			return nil, err
		}
		p.ins = append(p.ins, in.Index)
	}
	want := append(append(append([]int{}, in0.Shape[:axis]...), len(p.ins)), in0.Shape[axis:]...)
	if err := c.sameShape(out, want); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *PackParams) eval(r *run, op *Op) error {
	dst := r.vals[p.out]
	row := p.Inner * p.size
	for k, t := range p.ins {
		src := r.vals[t]
		for o := 0; o < p.Outer; o++ {
			d := (o*len(p.ins) + k) * row
			copy(dst[d:d+row], src[o*row:(o+1)*row])
		}
	}
	return nil
}

func (p *PackParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	n := len(p.ins)
	o, k, i := index/(n*p.Inner), index/p.Inner%n, index%p.Inner
	return explainMoved(res, p.ins[k], o*p.Inner+i, fmt.Sprintf("index %d along the new axis %d → input %d", k, p.Axis, k)), nil
}

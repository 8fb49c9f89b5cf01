package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// RangeParams are RANGE's prepared parameters.
//
// Mirrors TFLite's kernels/range.cc: start, limit and delta are scalars of
// one type (int32, int64 or float32), here constant, and the output holds
//
//	n = ceil(|limit − start| / |delta|)   (integers: (|limit−start| + |delta| − 1) / |delta|)
//	out[0] = start, out[i] = out[i−1] + delta
//
// (a running sum, so float32 values are rounded at every step).
type RangeParams struct {
	Start float64 `json:"start"`
	Limit float64 `json:"limit"`
	Delta float64 `json:"delta"`
	Count int     `json:"count"`
	Type  DType   `json:"type"`

	out          int
	start, delta int64 // integer types: the exact values
}

func init() { register(tflite.BuiltinOperatorRANGE, prepareRange) }

func prepareRange(c *prepCtx) (kernel, error) {
	if err := c.io(3, 3, 1); err != nil {
		return nil, err
	}
	out := c.out(0)
	var v [3]float64
	var vals [3][]byte
	for i, role := range []string{"start", "limit", "delta"} {
		t := c.in(i)
		if t.Type != out.Type {
			return nil, c.errorf("%s tensor %d is %v but the output is %v", role, t.Index, t.Type, out.Type)
		}
		if t.NumElements() != 1 || len(t.Shape) > 1 {
			return nil, c.errorf("%s tensor %d has shape %v; want a scalar", role, t.Index, t.Shape)
		}
		// Computed by earlier ops: the output is dynamic (TFLite's
		// range.cc), prepared when the model runs.
		data, err := c.known(role, t)
		if err != nil {
			return nil, err
		}
		vals[i], v[i] = data, elementValue(t.Type, data, 0)
	}
	p := &RangeParams{Start: v[0], Limit: v[1], Delta: v[2], Type: out.Type, out: out.Index}
	if p.Delta == 0 {
		return nil, c.errorf("delta is 0")
	}
	if (p.Start > p.Limit && p.Delta > 0) || (p.Start < p.Limit && p.Delta < 0) {
		return nil, c.errorf("start %v, limit %v and delta %v go the wrong way", p.Start, p.Limit, p.Delta)
	}
	switch out.Type {
	case Int32, Int64:
		s, l, d := int64(v[0]), int64(v[1]), int64(v[2])
		if out.Type == Int64 {
			s, l, d = AsInt64(vals[0])[0], AsInt64(vals[1])[0], AsInt64(vals[2])[0]
		}
		ad := d
		if ad < 0 {
			ad = -ad
		}
		diff := l - s
		if diff < 0 {
			diff = -diff
		}
		p.Count = int((diff + ad - 1) / ad)
		p.start, p.delta = s, d
	case Float32:
		s, l, d := float32(v[0]), float32(v[1]), float32(v[2])
		p.Count = int(math.Ceil(float64(float32(math.Abs(float64((l - s) / d))))))
	default:
		return nil, c.unsupportedTypes()
	}
	if p.Count > MaxTensorBytes {
		return nil, c.errorf("the range has %d elements", p.Count)
	}
	if err := c.sameShape(out, []int{p.Count}); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *RangeParams) eval(r *run, op *Op) error {
	dst := r.vals[p.out]
	switch p.Type {
	case Float32:
		v, d := float32(p.Start), float32(p.Delta)
		for i := range p.Count {
			AsFloat32(dst)[i] = v
			v += d
		}
	case Int32:
		v, d := int32(p.start), int32(p.delta)
		for i := range p.Count {
			AsInt32(dst)[i] = v
			v += d
		}
	case Int64:
		v, d := p.start, p.delta
		for i := range p.Count {
			AsInt64(dst)[i] = v
			v += d
		}
	}
	return nil
}

func (p *RangeParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	v := elementValue(p.Type, res.Tensors[p.out], index)
	return explainConstant(v, fmt.Sprintf("start %v + delta %v, added %d times (a running sum in %v)", p.Start, p.Delta, index, p.Type)), nil
}

package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// CastParams are CAST's prepared parameters.
//
// Mirrors TFLite's kernels/cast.cc (copyCast) and TFLite Micro's
// kernels/cast.cc: each element is converted with C++'s
// static_cast<To>(from), whatever the tensors' quantization (CAST never
// dequantizes):
//
//	integer → narrower integer: wraps (two's complement)
//	integer → float32:          nearest float32, ties to even
//	float32 → integer:          truncated toward zero (C++ leaves values
//	                            outside the target's range undefined; here
//	                            they wrap)
//	x → bool: x != 0;  bool → x: 0 or 1
type CastParams struct {
	From DType `json:"from"`
	To   DType `json:"to"`

	in, out int
}

func init() { register(tflite.BuiltinOperatorCAST, prepareCast) }

func prepareCast(c *prepCtx) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	for _, t := range []*Tensor{in, out} {
		switch t.Type {
		case Float32, Int32, Uint8, Int64, Bool, Int16, Int8:
		default:
			return nil, c.unsupportedTypes()
		}
	}
	if err := c.sameShape(out, in.Shape); err != nil {
		return nil, err
	}
	return &CastParams{From: in.Type, To: out.Type, in: in.Index, out: out.Index}, nil
}

func (p *CastParams) eval(r *run, op *Op) error {
	src, dst := r.vals[p.in], r.vals[p.out]
	n := len(src) / p.From.Size()
	if p.From == p.To {
		copy(dst, src)
		return nil
	}
	for i := 0; i < n; i++ {
		castElement(p.From, src, p.To, dst, i)
	}
	return nil
}

// castElement converts element i of src (type from) into element i of dst
// (type to) as static_cast does.
func castElement(from DType, src []byte, to DType, dst []byte, i int) {
	var v int64
	switch {
	case from == Float32:
		f := float64(AsFloat32(src)[i])
		switch {
		case to == Float32:
			AsFloat32(dst)[i] = float32(f)
			return
		case to == Bool:
			dst[i] = b2u(f != 0)
			return
		case math.IsNaN(f):
			v = 0
		default:
			v = int64(max(min(math.Trunc(f), math.MaxInt64/2), math.MinInt64/2))
		}
	default:
		v = intValue(from, src, i)
		if to == Float32 {
			AsFloat32(dst)[i] = float32(v)
			return
		}
	}
	putInt(to, dst, i, v)
}

// putInt stores v as element i of an integer (or bool: v != 0) tensor,
// wrapping to its width.
func putInt(t DType, b []byte, i int, v int64) {
	switch t {
	case Int8, Uint8:
		b[i] = byte(v)
	case Bool:
		b[i] = b2u(v != 0)
	case Int16:
		AsInt16(b)[i] = int16(v)
	case Int32:
		AsInt32(b)[i] = int32(v)
	case Int64:
		AsInt64(b)[i] = v
	}
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func (p *CastParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	from := elementValue(p.From, res.Tensors[p.in], index)
	to := elementValue(p.To, res.Tensors[p.out], index)
	return &Explanation{
		Arithmetic: "C++ static_cast",
		Steps: []Step{
			{Name: "input", Formula: fmt.Sprintf("input element %d (%v)", index, p.From), Value: from},
			{Name: "cast", Formula: fmt.Sprintf("static_cast<%v>(%v)", p.To, from), Value: to},
		},
		Value: int64(to),
	}, nil
}

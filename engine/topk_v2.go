package engine

import (
	"fmt"
	"sort"

	"github.com/int8scope/int8scope/engine/tflite"
)

// TopKV2Params are TOPK_V2's prepared parameters.
//
// Mirrors TFLite's kernels/topk_v2.cc: for each row of the last dimension,
// the K largest values in descending order (output 0) and their indices in
// the row (output 1, int32); equal values keep the smaller index first. K is
// a constant int32 scalar input.
type TopKV2Params struct {
	K    int `json:"k"`
	Rows int `json:"rows"`
	Row  int `json:"row_size"`

	in, values, indices int
	typ                 DType
	size                int
}

func init() { register(tflite.BuiltinOperatorTOPK_V2, prepareTopKV2) }

func prepareTopKV2(c *prepCtx) (kernel, error) {
	if err := c.io(2, 2, 2); err != nil {
		return nil, err
	}
	in, kT, vals, idx := c.in(0), c.in(1), c.out(0), c.out(1)
	if err := sameType(c, in, vals); err != nil {
		return nil, err
	}
	switch in.Type {
	case Float32, Uint8, Int8, Int16, Int32, Int64:
	default:
		return nil, c.unsupportedTypes()
	}
	if idx.Type != Int32 {
		return nil, c.errorf("indices output tensor %d is %v, want int32", idx.Index, idx.Type)
	}
	if len(in.Shape) < 1 {
		return nil, c.errorf("input tensor %d is a scalar; TOPK_V2 needs at least 1-D", in.Index)
	}
	if kT.NumElements() != 1 || kT.Type != Int32 {
		return nil, c.errorf("k tensor %d must be an int32 scalar", kT.Index)
	}
	k, err := indexValues(c, "k", kT, false)
	if err != nil {
		return nil, err
	}
	row := in.Shape[len(in.Shape)-1]
	if k[0] < 0 || k[0] > row {
		return nil, c.errorf("k = %d, but the last dimension has %d elements", k[0], row)
	}
	want := append(append([]int{}, in.Shape[:len(in.Shape)-1]...), k[0])
	for _, t := range []*Tensor{vals, idx} {
		if err := c.sameShape(t, want); err != nil {
			return nil, err
		}
	}
	return &TopKV2Params{K: k[0], Rows: numElements(in.Shape[:len(in.Shape)-1]), Row: row, in: in.Index, values: vals.Index, indices: idx.Index,
		typ: in.Type, size: in.Type.Size()}, nil
}

// top returns the indices of the K largest values of row r, largest
// first, smaller index first among equals.
func (p *TopKV2Params) top(b []byte, r int) []int {
	base := r * p.Row
	idx := make([]int, p.Row)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, c int) bool {
		if p.typ == Float32 {
			return elementValue(p.typ, b, base+idx[a]) > elementValue(p.typ, b, base+idx[c])
		}
		return intValue(p.typ, b, base+idx[a]) > intValue(p.typ, b, base+idx[c])
	})
	return idx[:p.K]
}

func (p *TopKV2Params) eval(r *run, op *Op) error {
	src, vals, idx := r.vals[p.in], r.vals[p.values], r.i32(p.indices)
	for row := 0; row < p.Rows; row++ {
		for j, i := range p.top(src, row) {
			o := row*p.K + j
			s := (row*p.Row + i) * p.size
			copy(vals[o*p.size:(o+1)*p.size], src[s:s+p.size])
			idx[o] = int32(i)
		}
	}
	return nil
}

// explain explains an element of the values output.
func (p *TopKV2Params) explain(res *Result, op *Op, index int) (*Explanation, error) {
	row, j := index/p.K, index%p.K
	i := p.top(res.Tensors[p.in], row)[j]
	return explainMoved(res, p.in, row*p.Row+i, fmt.Sprintf("the value ranked %d (from 0, largest first, smaller index first among equals) of row %d: index %d", j, row, i)), nil
}

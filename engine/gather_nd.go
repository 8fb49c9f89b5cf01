package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// GatherNdParams are GATHER_ND's prepared parameters.
//
// Mirrors TFLite's kernels/gather_nd.cc (reference_ops::GatherNd) and
// TFLite Micro's kernels/gather_nd.cc: the last dimension of the indices
// (Depth values) addresses a slice of the params,
//
//	out[i, j] = params[indices[i, 0], …, indices[i, Depth−1], j]
//
// with output shape indices.shape[:−1] + params.shape[Depth:]. An index
// outside its dimension fails the run, as in TFLite ("gather_nd index out
// of bounds"). Elements are copied as raw bytes.
type GatherNdParams struct {
	Depth  int   `json:"depth"`      // indices per slice
	Slices int   `json:"slices"`     // number of slices gathered
	Slice  int   `json:"slice_size"` // elements per slice
	Dims   []int `json:"params_shape"`

	params, indices, out int
	size                 int
}

func init() { register(tflite.BuiltinOperatorGATHER_ND, prepareGatherNd) }

func prepareGatherNd(c *prepCtx) (kernel, error) {
	in, out, err := c.moving(2, Float32, Uint8, Int8, Int16, Int32, Int64, Bool)
	if err != nil {
		return nil, err
	}
	idx := c.in(1)
	if idx.Type != Int32 && idx.Type != Int64 && idx.Type != Int16 {
		return nil, c.errorf("indices tensor %d has type %v, want int16, int32 or int64", idx.Index, idx.Type)
	}
	if len(idx.Shape) < 1 || len(in.Shape) < 1 {
		return nil, c.errorf("params %v and indices %v need rank ≥ 1", in.Shape, idx.Shape)
	}
	depth := idx.Shape[len(idx.Shape)-1]
	if depth > len(in.Shape) {
		return nil, c.errorf("indices %v address %d dimensions but params %v has %d", idx.Shape, depth, in.Shape, len(in.Shape))
	}
	want := append(append([]int{}, idx.Shape[:len(idx.Shape)-1]...), in.Shape[depth:]...)
	if err := c.sameShape(out, want); err != nil {
		return nil, err
	}
	return &GatherNdParams{Depth: depth, Slices: numElements(idx.Shape[:len(idx.Shape)-1]), Slice: numElements(in.Shape[depth:]), Dims: in.Shape,
		params: in.Index, indices: idx.Index, out: out.Index, size: in.Type.Size()}, nil
}

// start returns the first params element of slice i.
func (p *GatherNdParams) start(idx []byte, typ DType, i int) (int, []int64, error) {
	s := 0
	at := make([]int64, p.Depth)
	for j := range p.Depth {
		v := intValue(typ, idx, i*p.Depth+j)
		at[j] = v
		if v < 0 || v >= int64(p.Dims[j]) {
			return 0, at, fmt.Errorf("gather_nd index out of bounds: index %d of slice %d is %d, outside [0, %d)", j, i, v, p.Dims[j])
		}
		s = s*p.Dims[j] + int(v)
	}
	return s * p.Slice, at, nil
}

func (p *GatherNdParams) eval(r *run, op *Op) error {
	src, dst, idx := r.vals[p.params], r.vals[p.out], r.vals[p.indices]
	typ := r.m.Tensors[p.indices].Type
	n := p.Slice * p.size
	for i := 0; i < p.Slices; i++ {
		s, _, err := p.start(idx, typ, i)
		if err != nil {
			return err
		}
		copy(dst[i*n:(i+1)*n], src[s*p.size:s*p.size+n])
	}
	return nil
}

func (p *GatherNdParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	i, j := index/p.Slice, index%p.Slice
	s, at, err := p.start(res.Tensors[p.indices], res.Model.Tensors[p.indices].Type, i)
	if err != nil {
		return nil, err
	}
	return explainMoved(res, p.params, s+j, fmt.Sprintf("slice %d: indices %v, element %d of the slice", i, at, j)), nil
}

package engine

import (
	"github.com/int8scope/int8scope/engine/tflite"
)

// TransposeParams are TRANSPOSE's prepared parameters.
//
// Mirrors TFLite's reference_ops::Transpose (reference/transpose.h), which
// TFLite Micro's kernels/transpose.cc runs, up to 6-D: output dimension d is
// input dimension Perm[d], and
//
//	out[c_0, …, c_{n−1}] = in[Σ_d c_d·input_stride[Perm[d]]]
//
// Elements are moved as raw bytes, so any element type works.
type TransposeParams struct {
	Perm        []int `json:"perm"`
	InputShape  []int `json:"input_shape"`
	OutputShape []int `json:"output_shape"`

	in, out, size int
}

// transposeMaxRank is TFLite's kTransposeMaxDimensions.
const transposeMaxRank = 6

func init() {
	register(tflite.BuiltinOperatorTRANSPOSE, prepareTranspose)
	registerXNNPack(tflite.BuiltinOperatorTRANSPOSE, xnnCopyNode) // exact: XNNPACK moves the values
}

func prepareTranspose(c *prepCtx) (kernel, error) {
	if err := c.io(2, 2, 1); err != nil {
		return nil, err
	}
	in, permT, out := c.in(0), c.in(1), c.out(0)
	if err := sameType(c, in, out); err != nil {
		return nil, err
	}
	rank := len(in.Shape)
	if rank > transposeMaxRank {
		return nil, c.errorf("input shape %v has rank %d; TFLite's Transpose supports up to %d", in.Shape, rank, transposeMaxRank)
	}
	if len(permT.Shape) != 1 || permT.Shape[0] != rank {
		return nil, c.errorf("perm tensor %d has shape %v, want [%d]", permT.Index, permT.Shape, rank)
	}
	perm, err := indexValues(c, "perm", permT, true)
	if err != nil {
		return nil, err
	}
	seen := make([]bool, rank)
	p := &TransposeParams{Perm: perm, InputShape: in.Shape, OutputShape: make([]int, rank),
		in: in.Index, out: out.Index, size: in.Type.Size()}
	for d, s := range perm {
		if s < 0 || s >= rank || seen[s] {
			return nil, c.errorf("perm %v is not a permutation of 0..%d", perm, rank-1)
		}
		seen[s] = true
		p.OutputShape[d] = in.Shape[s]
	}
	if err := c.sameShape(out, p.OutputShape); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *TransposeParams) eval(r *run, op *Op) error {
	src, dst := r.vals[p.in], r.vals[p.out]
	rank := len(p.Perm)
	inStride := rowMajorStrides(p.InputShape)
	// step[d]: how far the input index moves when output coordinate d does.
	step := make([]int, rank)
	for d, s := range p.Perm {
		step[d] = inStride[s]
	}
	coord := make([]int, rank)
	i := 0
	for o := 0; o < len(dst); o += p.size {
		copy(dst[o:o+p.size], src[i*p.size:])
		for d := rank - 1; d >= 0; d-- {
			i += step[d]
			if coord[d]++; coord[d] < p.OutputShape[d] {
				break
			}
			i -= step[d] * coord[d]
			coord[d] = 0
		}
	}
	return nil
}

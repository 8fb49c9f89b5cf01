package engine

import (
	"github.com/int8scope/int8scope/engine/tflite"
)

// ZerosLikeParams are ZEROS_LIKE's prepared parameters.
//
// Mirrors TFLite's kernels/zeros_like.cc (and TFLite Micro's
// kernels/zeros_like.cc): an output of the input's shape and type (int32,
// int64 or float32) in which every element is 0. (TFLite has no ONES_LIKE
// builtin: the converter writes tf.ones_like as FILL.)
type ZerosLikeParams struct {
	Type DType `json:"type"`

	out int
}

func init() { register(tflite.BuiltinOperatorZEROS_LIKE, prepareZerosLike) }

func prepareZerosLike(c *prepCtx) (kernel, error) {
	in, out, err := c.moving(1, Int32, Int64, Float32)
	if err != nil {
		return nil, err
	}
	if err := c.sameShape(out, in.Shape); err != nil {
		return nil, err
	}
	return &ZerosLikeParams{Type: in.Type, out: out.Index}, nil
}

func (p *ZerosLikeParams) eval(r *run, op *Op) error {
	clear(r.vals[p.out])
	return nil
}

func (p *ZerosLikeParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	return explainConstant(0, "ZEROS_LIKE writes 0 everywhere"), nil
}
